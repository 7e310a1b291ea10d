import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { generateApiKey } from '../api-keys/api-key-format.js';
import { createLogger } from './logger.js';
import { NestPinoLogger } from './nest-pino-logger.js';

function makeLogger(level = 'log') {
  const lines: Array<Record<string, any>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { sut: createLogger(level, destination), lines };
}

describe('createLogger', () => {
  const { key, id, secret } = generateApiKey();

  it('writes JSON lines with the level as a word and an ISO time', () => {
    const { sut, lines } = makeLogger();
    sut.info({ context: 'X' }, 'hello');
    expect(lines).toEqual([{ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), context: 'X', msg: 'hello' }]);
  });

  it('maps Nest level words: log is info, verbose is trace', () => {
    expect(makeLogger('log').sut.level).toBe('info');
    expect(makeLogger('verbose').sut.level).toBe('trace');
    expect(makeLogger('warn').sut.level).toBe('warn');
  });

  it('censors credential headers and secret-named fields wherever pino is told', () => {
    const { sut, lines } = makeLogger();
    sut.info({ headers: { authorization: `Bearer ${key}`, 'x-authorization': `ApiKey ${key}`, cookie: 'a=b', accept: '*/*' }, password: 'pw' }, 'x');
    expect(lines[0]).toMatchObject({ headers: { authorization: '[REDACTED]', 'x-authorization': '[REDACTED]', cookie: '[REDACTED]', accept: '*/*' }, password: '[REDACTED]' });
    // a request logged whole shows no headers at all
    sut.info({ req: { method: 'GET', url: '/', headers: { authorization: `Bearer ${key}` } } }, 'r');
    expect(lines[1]!.req).toEqual({ method: 'GET', url: '/' });
  });

  it('redacts key- and JWT-shaped text in messages, string fields, errors and request URLs', () => {
    const { sut, lines } = makeLogger();
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    sut.warn({ path: `/api/users/${key}` }, `pasted ${key} and ${jwt}`);
    sut.error({ err: new Error(`bad key ${key}`) }, 'failed');
    sut.info({ req: { method: 'GET', url: `/x/${key}`, ip: '1.2.3.4' } }, 'r');
    const text = JSON.stringify(lines);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('c2lnbmF0dXJl');
    expect(lines[0]).toMatchObject({ path: `/api/users/NNSXS.${id}.[REDACTED]`, msg: `pasted NNSXS.${id}.[REDACTED] and [REDACTED]` });
    expect(lines[1]!.err).toMatchObject({ type: 'Error', message: `bad key NNSXS.${id}.[REDACTED]` });
    expect(lines[1]!.err.stack).toContain(`NNSXS.${id}.[REDACTED]`);
    expect(lines[2]!.req).toEqual({ method: 'GET', url: `/x/NNSXS.${id}.[REDACTED]`, remoteAddress: '1.2.3.4' });
  });
});

describe('NestPinoLogger', () => {
  it("writes Nest's calls with their context, an error's stack, and extra parameters as details", () => {
    const { sut: logger, lines } = makeLogger('verbose');
    const sut = new NestPinoLogger(logger);
    sut.log('started', 'Main');
    sut.error('it broke', 'Error: it broke\n    at here', 'Worker');
    sut.error(new Error('thrown'), undefined, 'Worker');
    sut.warn('careful', { id: 1 }, 'Ctx');
    sut.verbose('fine detail');
    expect(lines).toMatchObject([
      { level: 'info', context: 'Main', msg: 'started' },
      { level: 'error', context: 'Worker', msg: 'it broke', err: { stack: 'Error: it broke\n    at here' } },
      { level: 'error', context: 'Worker', msg: 'thrown', err: { type: 'Error', message: 'thrown' } },
      { level: 'warn', context: 'Ctx', msg: 'careful', details: [{ id: 1 }] },
      { level: 'trace', msg: 'fine detail' },
    ]);
  });

  it('writes nothing below the level', () => {
    const { sut: logger, lines } = makeLogger('warn');
    new NestPinoLogger(logger).log('quiet', 'Main');
    expect(lines).toEqual([]);
  });
});
