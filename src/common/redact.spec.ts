import { describe, expect, it } from 'vitest';
import { generateApiKey } from '../api-keys/api-key-format.js';
import { MALFORMED_API_KEY } from '../api-keys/api-key-check.js';
import { redactSecrets } from './redact.js';

const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe('redactSecrets', () => {
  const { key, id, secret } = generateApiKey();

  it('keeps the id of a whole key and takes out its secret', () => {
    expect(redactSecrets(`Cannot GET /api/${key}`)).toBe(`Cannot GET /api/NNSXS.${id}.[REDACTED]`);
    expect(redactSecrets(`GET /api/users/${key}/events 404`)).toBe(`GET /api/users/NNSXS.${id}.[REDACTED] 404`);
  });

  it.each<[string, string]>([
    ['a wrong first separator', `NNSXS#${id}.${secret}`],
    ['a wrong second separator', `NNSXS.${id}-${secret}`],
    ['slashes', `NNSXS/${id}/${secret}`],
    ['%-encoded dots', `NNSXS%2E${id}%2e${secret}`],
    ['lower case', key.toLowerCase()],
    ['no id', `NNSXS..${secret}`],
    ['no separators', `NNSXS${id}${secret}`],
    ['a secret too many', `${key}.${secret}`],
    ['a truncated secret', `NNSXS.${id}.${secret.slice(0, 20)}`],
    ['a secret alone after NNSXS', `NNSXS.${secret}`],
    ['a query string', `/api/nope?apiKey=${encodeURIComponent(key)}&x=1`],
  ])('leaves no secret in %s', (_name, text) => {
    const sut = redactSecrets(text);
    expect(sut).toContain('[REDACTED]');
    expect(sut.toUpperCase()).not.toContain(secret.slice(0, 8));
  });

  it('takes out a JWT whole, with dots or %2E between its parts', () => {
    expect(redactSecrets(`Cannot GET /api/${jwt}`)).toBe('Cannot GET /api/[REDACTED]');
    expect(redactSecrets(`/api/x/${jwt.replaceAll('.', '%2E')}/y`)).toBe('/api/x/[REDACTED]/y');
  });

  it('leaves alone what holds no secret', () => {
    for (const text of [
      MALFORMED_API_KEY,
      'Cannot GET /api/users/me/api-keys/NNSXS',
      `Cannot GET /api/users/me/api-keys/${id}`,
      'GET /api/auth/user 401 0.3ms ip=127.0.0.1 auth=apiKey:malformed',
      'NNSXS keys are described in the README',
      'property apiKey should not exist',
      'eyJ alone.is.not',
    ]) {
      expect(redactSecrets(text)).toBe(text);
    }
  });

  it('leaves text it redacted as it is, so a message redacted before can be logged through it', () => {
    for (const text of [`Cannot GET /api/${key}`, `/api/NNSXS%2E${id}%2E${secret}/x`, `NNSXS.${secret}`, `NNSXS..${secret}`, `/api/${jwt}`, `NNSXS-${id}-${secret} 404`]) {
      const once = redactSecrets(text);
      expect(redactSecrets(once)).toBe(once);
    }
  });

  it('returns the same string when there is nothing to take out', () => {
    const text = 'Cannot GET /api/nothing-here';
    expect(redactSecrets(text)).toBe(text);
  });

  it('takes linear time on a long near-miss', () => {
    const text = `NNSXS.${'A-'.repeat(50_000)}`;
    const started = performance.now();
    redactSecrets(text);
    redactSecrets(`${'NNSXS.'.repeat(10_000)}x`);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
