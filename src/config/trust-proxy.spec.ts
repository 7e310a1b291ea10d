import { describe, expect, it } from 'vitest';
import { ConfigValidationError, loadConfig } from './app-config.js';
import { fastifyTrustProxy, InvalidTrustProxy, parseTrustProxy, TRUE_MEANS_LOOPBACK } from './trust-proxy.js';

describe('parseTrustProxy', () => {
  it.each<[string, unknown]>([
    ['', false],
    ['false', false],
    ['0', false],
    ['1', 1],
    [' 2 ', 2],
    ['true', TRUE_MEANS_LOOPBACK],
    ['127.0.0.1', ['127.0.0.1']],
    ['127.0.0.1, 10.0.0.0/8', ['127.0.0.1', '10.0.0.0/8']],
    ['::1,fd00::/8,loopback,uniquelocal', ['::1', 'fd00::/8', 'loopback', 'uniquelocal']],
  ])('reads %j', (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
  });

  it('keeps the default when absent', () => {
    expect(parseTrustProxy(undefined)).toBeUndefined();
  });

  it.each([
    'yes', 'on', 'all', '*', '11', '-1', '1.5', '10.0.0.0/33', '::/129', '10.0.0.0/x', '0.0.0.0/0', '::/0',
    '1.2.3', '127.0.0.1,', '127.0.0.1,,10.0.0.1', 'localhost', '10.0.0.0/8 10.1.0.0/16',
  ])('refuses %j with a reason', (raw) => {
    const sut = parseTrustProxy(raw);
    expect(sut).toBeInstanceOf(InvalidTrustProxy);
    expect((sut as InvalidTrustProxy).reason.length).toBeGreaterThan(10);
  });
});

describe('fastifyTrustProxy', () => {
  it('passes addresses and false through, and turns a hop count into a function of the hop', () => {
    expect(fastifyTrustProxy(false)).toBe(false);
    expect(fastifyTrustProxy(['10.0.0.0/8'])).toEqual(['10.0.0.0/8']);
    const sut = fastifyTrustProxy(2) as (address: string, hop: number) => boolean;
    expect([0, 1, 2, 3].map((hop) => sut('203.0.113.9', hop))).toEqual([true, true, false, false]);
  });
});

describe('TRUST_PROXY at boot', () => {
  it('stops the start naming the variable and saying what to give', () => {
    for (const value of ['yes', '0.0.0.0/0', '300.1.1.1']) {
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(ConfigValidationError);
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY: .*(hop count|every address)/);
    }
  });

  it('defaults to no proxy', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1,10.0.0.0/8' }).TRUST_PROXY).toEqual(['127.0.0.1', '10.0.0.0/8']);
  });
});

describe('SWAGGER_PERSIST_AUTHORIZATION', () => {
  it('is off by default, on with true or 1, and refuses anything else', () => {
    expect(loadConfig({}).SWAGGER_PERSIST_AUTHORIZATION).toBe(false);
    expect(loadConfig({ SWAGGER_PERSIST_AUTHORIZATION: 'true' }).SWAGGER_PERSIST_AUTHORIZATION).toBe(true);
    expect(loadConfig({ SWAGGER_PERSIST_AUTHORIZATION: '1' }).SWAGGER_PERSIST_AUTHORIZATION).toBe(true);
    expect(loadConfig({ SWAGGER_PERSIST_AUTHORIZATION: 'false' }).SWAGGER_PERSIST_AUTHORIZATION).toBe(false);
    expect(() => loadConfig({ SWAGGER_PERSIST_AUTHORIZATION: 'yes' })).toThrow(/SWAGGER_PERSIST_AUTHORIZATION/);
  });
});
