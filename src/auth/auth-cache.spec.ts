import { afterEach, describe, expect, it, vi } from 'vitest';
import { keyState } from '../api-keys/api-key-check.js';
import type { ApiKey } from '../api-keys/api-key.entity.js';
import type { AppConfig } from '../config/app-config.js';
import { ChangeFeed } from '../database/change-feed.js';
import { Authority } from '../rights/authority.js';
import type { User } from '../users/user.entity.js';
import { AuthCache } from './auth-cache.js';

function makeUser(id = 'u1'): User {
  return { id, authority: Authority.TENANT_ADMIN, tenantId: 't1', customerId: null, enabled: true } as User;
}
function makeKey(id = 'K1', userId = 'u1'): ApiKey {
  return { id, userId, secretHash: Buffer.alloc(32), enabled: true, expiresAt: null, rights: ['RIGHT_USER_ALL'] } as unknown as ApiKey;
}
function makeCache(live = true): { sut: AuthCache; feed: ChangeFeed } {
  const feed = new ChangeFeed();
  feed.live = live;
  return { sut: new AuthCache({ AUTH_CACHE_SIZE: 100, AUTH_CACHE_MAX_AGE_SECONDS: 60 } as AppConfig, feed), feed };
}

describe('AuthCache', () => {
  afterEach(() => vi.useRealTimers());

  it('forgets a key when it, or its user, changes', () => {
    const { sut, feed } = makeCache();
    const user = makeUser();
    sut.rememberKey(sut.epoch, makeKey('K1'), user, keyState(makeKey('K1'), user));
    sut.rememberKey(sut.epoch, makeKey('K2'), user, keyState(makeKey('K2'), user));
    feed.publish({ kind: 'apiKey', id: 'K1' });
    expect(sut.key('K1')).toBeUndefined();
    expect(sut.key('K2')).toBeDefined();
    feed.publish({ kind: 'user', id: 'u1' });
    expect(sut.key('K2')).toBeUndefined();
  });

  it('does not remember a lookup that a change overtook, nor anything while changes cannot be heard', () => {
    const { sut, feed } = makeCache();
    const epoch = sut.epoch;
    feed.publish({ kind: 'apiKey', id: 'other' });
    expect(sut.rememberKey(epoch, makeKey(), makeUser(), keyState(makeKey(), makeUser()))).toBeUndefined();
    feed.live = false;
    expect(sut.rememberKey(sut.epoch, makeKey(), makeUser(), keyState(makeKey(), makeUser()))).toBeUndefined();
  });

  it('lets entries age out after a minute, in case a change was missed unnoticed', () => {
    vi.useFakeTimers();
    const { sut } = makeCache();
    sut.rememberKey(sut.epoch, makeKey(), makeUser(), keyState(makeKey(), makeUser()));
    sut.rememberJwt(sut.epoch, 'token', Date.now() + 3_600_000, makeUser());
    vi.advanceTimersByTime(59_000);
    expect(sut.key('K1')).toBeDefined();
    expect(sut.jwt('token')).toBeDefined();
    vi.advanceTimersByTime(2_000);
    expect(sut.key('K1')).toBeUndefined();
    expect(sut.jwt('token')).toBeUndefined();
  });
});
