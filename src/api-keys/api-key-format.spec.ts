import { describe, expect, it } from 'vitest';
import { base32, generateApiKey, hashSecret, parseApiKey, secretMatches, splitApiKey } from './api-key-format.js';

describe('API key format', () => {
  it('encodes base32 as RFC 4648 does, without padding', () => {
    // RFC 4648 section 10 test vectors
    expect(base32(Buffer.from('f'))).toBe('MY');
    expect(base32(Buffer.from('fo'))).toBe('MZXQ');
    expect(base32(Buffer.from('foob'))).toBe('MZXW6YQ');
    expect(base32(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
  });

  it('generates keys of the NNSXS shape, never the same twice', () => {
    const keys = Array.from({ length: 200 }, () => generateApiKey());
    for (const sut of keys) {
      expect(sut.key).toMatch(/^NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}$/);
      expect(sut.key).toBe(`NNSXS.${sut.id}.${sut.secret}`);
    }
    expect(new Set(keys.map((k) => k.id)).size).toBe(keys.length);
  });

  it('parses only the exact shape', () => {
    const { key, id, secret } = generateApiKey();
    expect(parseApiKey(key)).toEqual({ id, secret });
    for (const bad of [`${key} `, ` ${key}`, key.toLowerCase(), key.slice(0, -1), `${key}A`, key.replace('NNSXS', 'NNSXT'), `${key}.X`]) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });

  it('splits a key of the right length at its dots, leaving the alphabet to parseApiKey', () => {
    const { key, id, secret } = generateApiKey();
    expect(splitApiKey(key)).toEqual({ id, secret });
    expect(splitApiKey(key.toLowerCase())).toBeNull();
    expect(splitApiKey(`NNSXS.${id.toLowerCase()}.${secret}`)).toEqual({ id: id.toLowerCase(), secret });
    for (const bad of [`${key} `, key.slice(0, -1), key.replace('NNSXS', 'NNSXT'), `NNSXS.${id}X${secret}`]) {
      expect(splitApiKey(bad)).toBeNull();
    }
  });

  it('splits only at the two dots: any other character in either separator is no key', () => {
    const { id, secret } = generateApiKey();
    for (const separator of ['#', '-', '_', ':', '/', ',', ' ', 'A', '2', '\u0000', '\u00b7', '\u2024']) {
      expect(splitApiKey(`NNSXS${separator}${id}.${secret}`)).toBeNull();
      expect(splitApiKey(`NNSXS.${id}${separator}${secret}`)).toBeNull();
      expect(parseApiKey(`NNSXS${separator}${id}.${secret}`)).toBeNull();
    }
  });

  it('matches a secret only against its own keyed hash', () => {
    const { secret } = generateApiKey();
    const stored = hashSecret('server-secret', secret);
    expect(secretMatches('server-secret', secret, stored)).toBe(true);
    expect(secretMatches('other-server-secret', secret, stored)).toBe(false);
    expect(secretMatches('server-secret', generateApiKey().secret, stored)).toBe(false);
  });
});
