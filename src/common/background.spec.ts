import { Logger } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { runContained } from './background.js';

function makeLogger() {
  const logger = new Logger('test');
  const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  return { logger, error };
}

describe('runContained', () => {
  it('logs a throw with its stack and lets the caller go on', () => {
    const { logger, error } = makeLogger();
    const onError = vi.fn();
    expect(() => runContained(logger, 'renewal', () => { throw new TypeError('x.equals is not a function'); }, onError)).not.toThrow();
    expect(error).toHaveBeenCalledWith('renewal failed: x.equals is not a function', expect.stringContaining('TypeError'));
    expect(onError).toHaveBeenCalledOnce();
  });

  it('logs a rejection without leaving it unhandled', async () => {
    const { logger, error } = makeLogger();
    const onError = vi.fn();
    runContained(logger, 'flush', () => Promise.reject(new Error('boom')), onError);
    await new Promise((resolve) => setImmediate(resolve));
    expect(error).toHaveBeenCalledWith('flush failed: boom', expect.stringContaining('Error: boom'));
    expect(onError).toHaveBeenCalledOnce();
  });

  it('contains a failing recovery too', () => {
    const { logger, error } = makeLogger();
    runContained(logger, 'relay', () => { throw new Error('first'); }, () => { throw new Error('second'); });
    expect(error).toHaveBeenCalledTimes(2);
  });

  it('does nothing more when the work succeeds', async () => {
    const { logger, error } = makeLogger();
    const onError = vi.fn();
    runContained(logger, 'ok', () => Promise.resolve(1), onError);
    await new Promise((resolve) => setImmediate(resolve));
    expect(error).not.toHaveBeenCalled();
    expect(onError).not.toHaveBeenCalled();
  });
});
