import { HttpException, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { generateApiKey } from '../../api-keys/api-key-format.js';
import type { ApiKeysService } from '../../api-keys/api-keys.service.js';
import type { LastUsedRecorder } from '../../api-keys/last-used-recorder.js';
import type { AppConfig } from '../../config/app-config.js';
import { ChangeFeed } from '../../database/change-feed.js';
import { RightsCatalog } from '../../rights/rights-catalog.js';
import { AuthCache } from '../cache/auth-cache.js';
import type { AuthFailures } from './auth-failures.js';
import { Authenticator } from './authenticator.js';
import { ApiKeyStrategy } from './strategies/api-key.strategy.js';
import type { CredentialStrategies } from './strategies/credential-strategies.js';
import { double } from '../../../test/support/doubles.js';

/** An authenticator whose key lookups end with `outcome` (the database's answer, or its failure). */
function makeAuthenticator(outcome: () => Promise<unknown>) {
  const apiKeys = double<ApiKeysService>('apiKeys', { verify: vi.fn(outcome) as ApiKeysService['verify'] });
  const feed = new ChangeFeed();
  feed.live = true;
  const catalog = new RightsCatalog();
  const cache = new AuthCache({ AUTH_CACHE_SIZE: 10, AUTH_CACHE_MAX_AGE_SECONDS: 60 } as AppConfig, feed, apiKeys, catalog);
  const failures = { blockedFor: vi.fn(() => 0), record: vi.fn() };
  const strategies = double<CredentialStrategies>('strategies', { apiKey: { 'x-authorization': new ApiKeyStrategy('x-authorization', apiKeys), authorization: new ApiKeyStrategy('authorization', apiKeys) } });
  const sut = new Authenticator(strategies, apiKeys, double<LastUsedRecorder>('lastUsed'), cache, double<AuthFailures>('failures', failures), catalog);
  return { sut, failures, apiKeys };
}

const decide = (sut: Authenticator) => sut.decide({ headers: { 'x-authorization': `ApiKey ${generateApiKey().key}` } }, '192.0.2.1');

describe('Authenticator, when a key cannot be checked', () => {
  it.each([
    ['the database refuses connections', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['the database has too many clients', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    ['a statement is cancelled', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })],
  ])('answers 503 when %s, without the database\'s words, and counts no failure', async (_name, error) => {
    const { sut, failures } = makeAuthenticator(() => Promise.reject(error));
    const decided = await decide(sut);
    expect(decided).toBeInstanceOf(ServiceUnavailableException);
    expect(JSON.stringify((decided as HttpException).getResponse())).not.toContain(error.message);
    expect(failures.record).not.toHaveBeenCalled();
  });

  it('passes any other failure on as the bug it is (logged with its stack, answered 500), counting no failure', async () => {
    const bug = new TypeError('key.secretHash.equals is not a function');
    const { sut, failures } = makeAuthenticator(() => Promise.reject(bug));
    await expect(decide(sut)).rejects.toBe(bug);
    expect(failures.record).not.toHaveBeenCalled();
  });

  it('still answers 401, and counts the failure, when the database says the key is not there', async () => {
    const { sut, failures } = makeAuthenticator(() => Promise.resolve({ ok: false, reason: 'Invalid API key', record: null }));
    const decided = await decide(sut);
    expect(decided).toBeInstanceOf(UnauthorizedException);
    expect((decided as HttpException).message).toBe('Invalid API key');
    expect(failures.record).toHaveBeenCalledTimes(1);
  });
});

describe('Authenticator, for a key memory cannot vouch for', () => {
  it.each([
    ['Authorization: Bearer', (key: string) => ({ authorization: `Bearer ${key}` })],
    ['X-Authorization: ApiKey', (key: string) => ({ 'x-authorization': `ApiKey ${key}` })],
    ['X-Authorization: Bearer, beside a malformed Authorization', (key: string) => ({ authorization: 'Basic dXNlcjpwYXNz', 'x-authorization': `Bearer ${key}` })],
  ])('has the strategy for its header, %s, read it from the request', async (_name, headers) => {
    const key = generateApiKey().key;
    const { sut, apiKeys } = makeAuthenticator(() => Promise.resolve({ ok: false, reason: 'Invalid API key', record: null }));
    await sut.decide({ headers: headers(key) }, '192.0.2.1');
    expect(apiKeys.verify).toHaveBeenCalledExactlyOnceWith(key);
  });
});
