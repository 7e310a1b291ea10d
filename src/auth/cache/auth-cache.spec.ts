import { afterEach, describe, expect, it, vi } from 'vitest';
import { keyState } from '../../api-keys/api-key-check.js';
import type { ApiKey } from '../../api-keys/api-key.entity.js';
import type { AppConfig } from '../../config/app-config.js';
import { ChangeFeed } from '../../database/change-feed.js';
import { Authority } from '../../rights/authority.js';
import type { User } from '../../users/user.entity.js';
import type { CredentialOwner } from '../../rights/principal.js';
import { RightsCatalog } from '../../rights/rights-catalog.js';
import type { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { AuthCache, RENEWAL_BATCH_MS, RENEWAL_GRACE_MS } from './auth-cache.js';
import { double } from '../../../test/support/doubles.js';

const DIGEST = 'a-remembered-digest';
/** A user, also in its shape as a credential's owner (the cache takes both). */
function makeUser(id = 'u1'): User & CredentialOwner {
  return { type: 'user', id, authority: Authority.TENANT_ADMIN, tenantId: 't1', customerId: null, enabled: true, rights: null } as User & CredentialOwner;
}
function makeKey(id = 'K1', userId = 'u1'): ApiKey {
  return { id, userId, serviceAccountId: null, secretHash: Buffer.alloc(32), enabled: true, expiresAt: null, rights: ['RIGHT_USER_ALL'] } as unknown as ApiKey;
}
function makeCache(
  live = true,
  findById: (id: string) => Promise<CredentialOwner | null> = async () => null,
  findForVerification: (id: string) => Promise<ApiKey | null> = async () => null,
  size = 100,
) {
  const feed = new ChangeFeed();
  feed.live = live;
  // the cache reads many at once; each id here is looked up with the function given
  const readAll = async <T,>(ids: string[], find: (id: string) => Promise<T | null>): Promise<T[]> => (await Promise.all(ids.map(find))).filter((x) => x !== null) as T[];
  const findOwners = vi.fn((ids: string[]) => readAll(ids, findById));
  const apiKeys = { findManyForVerification: vi.fn((ids: string[]) => readAll(ids, findForVerification)), findOwners };
  const config = { AUTH_CACHE_SIZE: size, AUTH_CACHE_MAX_AGE_SECONDS: 60 } as AppConfig;
  return { sut: new AuthCache(config, feed, double<ApiKeysService>('apiKeys', apiKeys), new RightsCatalog()), feed, users: { findByIds: findOwners }, apiKeys };
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

  it('stops vouching for the keys of a user it had to forget for room, since that user can no longer be invalidated', () => {
    const { sut } = makeCache(true, undefined, undefined, 1);
    const user = makeUser('u1');
    sut.rememberKey(sut.epoch, makeKey('K1', 'u1'), user, keyState(makeKey('K1'), user));
    expect(sut.key('K1')).toBeDefined();
    // a second user takes the only place: the first is evicted
    sut.rememberJwt(sut.epoch, 'token', Date.now() + 3_600_000, makeUser('u2'), 's1');
    expect(sut.key('K1')).toBeUndefined();
    expect(sut.jwt('token')).toBeDefined();
  });

  it('does not remember a lookup that a change overtook, nor anything while changes cannot be heard', () => {
    const { sut, feed } = makeCache();
    const epoch = sut.epoch;
    feed.publish({ kind: 'apiKey', id: 'other' });
    expect(sut.rememberKey(epoch, makeKey(), makeUser(), keyState(makeKey(), makeUser()))).toBeUndefined();
    feed.live = false;
    expect(sut.rememberKey(sut.epoch, makeKey(), makeUser(), keyState(makeKey(), makeUser()))).toBeUndefined();
  });

  it('lets entries age out within a minute (half a minute at the earliest), in case a change was missed unnoticed', () => {
    vi.useFakeTimers();
    const { sut } = makeCache();
    sut.rememberKey(sut.epoch, makeKey(), makeUser(), keyState(makeKey(), makeUser()));
    sut.rememberJwt(sut.epoch, 'token', Date.now() + 3_600_000, makeUser(), 's1');
    vi.advanceTimersByTime(29_000);
    expect(sut.key('K1')).toBeDefined();
    expect(sut.jwt('token')).toBeDefined();
    vi.advanceTimersByTime(37_000);
    expect(sut.key('K1')).toBeUndefined();
    expect(sut.jwt('token')).toBeUndefined();
  });

  it('lets a JWT age out by itself, though its user is vouched for again, so that its session is read again', () => {
    vi.useFakeTimers();
    const { sut } = makeCache();
    const user = makeUser();
    sut.rememberJwt(sut.epoch, 'token', Date.now() + 3_600_000, user, 's1');
    vi.advanceTimersByTime(60_001);
    // the user is read afresh (with one of its keys), so its entry vouches again
    sut.rememberKey(sut.epoch, makeKey('K1'), user, keyState(makeKey('K1'), user));
    expect(sut.key('K1')).toBeDefined();
    expect(sut.jwt('token')).toBeUndefined();
  });

  it('drops the JWTs of a session heard to end, and only those: the user and its keys stay remembered', () => {
    const { sut, feed } = makeCache();
    const user = makeUser();
    sut.rememberKey(sut.epoch, makeKey('K1'), user, keyState(makeKey('K1'), user));
    sut.rememberJwt(sut.epoch, 'token-a', Date.now() + 3_600_000, user, 's1');
    sut.rememberJwt(sut.epoch, 'token-b', Date.now() + 3_600_000, user, 's2');
    feed.publish({ kind: 'session', id: 's1' });
    expect(sut.jwt('token-a')).toBeUndefined();
    expect(sut.jwt('token-b')).toBeDefined();
    expect(sut.key('K1')).toBeDefined();
  });

  it('spreads the ages of entries verified together, so they are not read again in one burst', () => {
    vi.useFakeTimers();
    const { sut } = makeCache();
    // the ages' random part, spread evenly, so the test does not depend on chance (one run in a thousand had none fresh)
    let draw = 0;
    const random = vi.spyOn(Math, 'random').mockImplementation(() => (draw++ % 50) / 50);
    for (let i = 0; i < 50; i++) {
      const user = makeUser(`u${i}`);
      sut.rememberKey(sut.epoch, makeKey(`K${i}`, user.id), user, keyState(makeKey(`K${i}`), user));
    }
    vi.advanceTimersByTime(56_000);
    const fresh = Array.from({ length: 50 }, (_, i) => sut.key(`K${i}`)).filter(Boolean).length;
    random.mockRestore();
    expect(fresh).toBeGreaterThan(0);
    expect(fresh).toBeLessThan(50);
  });

  describe('a user whose entry aged out before its keys', () => {
    /** Two keys of one user, the user's entry fresh for 30 s and the keys' for 60 s; then past its grace, its background read never answered. */
    function agedOwner() {
      vi.useFakeTimers();
      const { sut } = makeCache(true, () => new Promise<never>(() => undefined));
      const user = makeUser();
      vi.spyOn(Math, 'random').mockReturnValueOnce(0).mockReturnValue(1);
      sut.rememberKey(sut.epoch, makeKey('K1'), user, keyState(makeKey('K1'), user));
      sut.rememberKey(sut.epoch, makeKey('K2'), user, keyState(makeKey('K2'), user));
      vi.advanceTimersByTime(31_000);
      sut.key('K2');
      vi.advanceTimersByTime(RENEWAL_GRACE_MS);
      return { sut, user };
    }
    afterEach(() => vi.restoreAllMocks());

    it('is renewed when read again unchanged, so its other keys need no database read', () => {
      const { sut, user } = agedOwner();
      expect(sut.key('K2')).toBeUndefined();
      sut.rememberKey(sut.epoch, makeKey('K1'), user, keyState(makeKey('K1'), user));
      expect(sut.key('K2')).toBeDefined();
    });

    it('is replaced when read again changed, and its other keys are then read again too', () => {
      const { sut, user } = agedOwner();
      const demoted = { ...user, authority: Authority.CUSTOMER_USER };
      sut.rememberKey(sut.epoch, makeKey('K1'), demoted, keyState(makeKey('K1'), demoted));
      expect(sut.key('K1')!.principal.authority).toBe(Authority.CUSTOMER_USER);
      expect(sut.key('K2')).toBeUndefined();
    });
  });

  describe('a user that aged out', () => {
    /** A key fresh for 60 s of a user fresh for 30 s; then 31 s later. */
    function agedUser(findById: (id: string) => Promise<CredentialOwner | null>) {
      vi.useFakeTimers();
      const cache = makeCache(true, findById);
      const user = makeUser();
      vi.spyOn(Math, 'random').mockReturnValueOnce(0).mockReturnValue(1);
      cache.sut.rememberKey(cache.sut.epoch, makeKey('K1'), user, keyState(makeKey('K1'), user));
      vi.advanceTimersByTime(31_000);
      return { ...cache, user };
    }
    afterEach(() => vi.restoreAllMocks());

    it('is read again once in the background, its keys served meanwhile, and renewed when unchanged', async () => {
      const { sut, users, user } = agedUser(async () => user);
      expect(sut.key('K1')).toBeDefined();
      expect(sut.key('K1')).toBeDefined();
      await vi.advanceTimersByTimeAsync(RENEWAL_BATCH_MS);
      expect(users.findByIds).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(RENEWAL_GRACE_MS + 1000);
      expect(sut.key('K1')).toBeDefined();
      expect(users.findByIds).toHaveBeenCalledTimes(1);
    });

    it('drops its keys when read again changed, or gone', async () => {
      for (const found of [{ ...makeUser(), enabled: false }, null]) {
        const { sut } = agedUser(async () => found);
        expect(sut.key('K1')).toBeDefined();
        await vi.advanceTimersByTimeAsync(RENEWAL_BATCH_MS);
        expect(sut.key('K1')).toBeUndefined();
        vi.restoreAllMocks();
      }
    });

    it('is trusted no longer than the grace when it cannot be read again', async () => {
      const { sut } = agedUser(() => new Promise<never>(() => undefined));
      expect(sut.key('K1')).toBeDefined();
      vi.advanceTimersByTime(RENEWAL_GRACE_MS);
      expect(sut.key('K1')).toBeUndefined();
    });
  });

  describe('a key that aged out', () => {
    /** A key fresh for 30 s of a user fresh for 60 s; then 31 s later. */
    function agedKey(findForVerification: (id: string) => Promise<ApiKey | null>) {
      vi.useFakeTimers();
      const cache = makeCache(true, async () => null, findForVerification);
      const user = makeUser();
      vi.spyOn(Math, 'random').mockReturnValueOnce(1).mockReturnValueOnce(0).mockReturnValue(1);
      cache.sut.rememberKey(cache.sut.epoch, makeKey('K1'), user, keyState(makeKey('K1'), user));
      vi.advanceTimersByTime(31_000);
      return cache;
    }
    afterEach(() => vi.restoreAllMocks());

    it('is read again once in the background, served meanwhile, and renewed when unchanged', async () => {
      const { sut, apiKeys } = agedKey(async () => makeKey('K1'));
      expect(sut.key('K1')).toBeDefined();
      expect(sut.key('K1')).toBeDefined();
      await vi.advanceTimersByTimeAsync(RENEWAL_BATCH_MS);
      expect(apiKeys.findManyForVerification).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(RENEWAL_GRACE_MS + 1000);
      expect(sut.key('K1')).toBeDefined();
      expect(apiKeys.findManyForVerification).toHaveBeenCalledTimes(1);
    });

    it('is dropped when read again disabled, with other rights, or gone', async () => {
      const changed = [{ ...makeKey('K1'), enabled: false }, { ...makeKey('K1'), rights: ['RIGHT_USER_INFO'] }, null] as Array<ApiKey | null>;
      for (const found of changed) {
        const { sut } = agedKey(async () => found);
        expect(sut.key('K1')).toBeDefined();
        await vi.advanceTimersByTimeAsync(RENEWAL_BATCH_MS);
        expect(sut.key('K1')).toBeUndefined();
        vi.restoreAllMocks();
      }
    });

    it('is read again together with the other keys that aged out meanwhile, in one query', async () => {
      vi.useFakeTimers();
      const { sut, apiKeys } = makeCache(true, async () => null, async (id) => makeKey(id));
      const user = makeUser();
      // the user's entry fresh for 60 s, the keys' for 30 s
      vi.spyOn(Math, 'random').mockReturnValueOnce(1).mockReturnValue(0);
      for (let i = 0; i < 50; i++) sut.rememberKey(sut.epoch, makeKey(`K${i}`), user, keyState(makeKey(`K${i}`), user));
      vi.advanceTimersByTime(31_000);
      for (let i = 0; i < 50; i++) expect(sut.key(`K${i}`)).toBeDefined();
      await vi.advanceTimersByTimeAsync(RENEWAL_BATCH_MS);
      expect(apiKeys.findManyForVerification).toHaveBeenCalledTimes(1);
      expect(apiKeys.findManyForVerification.mock.calls[0][0]).toHaveLength(50);
      vi.advanceTimersByTime(RENEWAL_GRACE_MS + 1000);
      for (let i = 0; i < 50; i++) expect(sut.key(`K${i}`)).toBeDefined();
    });

    it('is not renewed by a read that a revocation overtook, nor does that read drop the entry made after it', async () => {
      let answer: (key: ApiKey) => void = () => undefined;
      const { sut, feed } = agedKey(() => new Promise<ApiKey>((resolve) => (answer = resolve)));
      const user = makeUser();
      expect(sut.key('K1')).toBeDefined();
      await vi.advanceTimersByTimeAsync(RENEWAL_BATCH_MS);
      feed.publish({ kind: 'apiKey', id: 'K1' });
      expect(sut.key('K1')).toBeUndefined();
      answer(makeKey('K1'));
      await vi.advanceTimersByTimeAsync(0);
      expect(sut.key('K1')).toBeUndefined();

      const { sut: other, feed: otherFeed } = agedKey(() => new Promise<ApiKey>((resolve) => (answer = resolve)));
      expect(other.key('K1')).toBeDefined();
      await vi.advanceTimersByTimeAsync(RENEWAL_BATCH_MS);
      otherFeed.publish({ kind: 'apiKey', id: 'K1' });
      const fresh = other.rememberKey(other.epoch, makeKey('K1'), user, keyState(makeKey('K1'), user));
      answer({ ...makeKey('K1'), enabled: false } as ApiKey);
      await vi.advanceTimersByTimeAsync(0);
      expect(other.key('K1')).toBe(fresh);
    });

    it('is trusted no longer than the grace when it cannot be read again', () => {
      const { sut } = agedKey(() => new Promise<never>(() => undefined));
      expect(sut.key('K1')).toBeDefined();
      vi.advanceTimersByTime(RENEWAL_GRACE_MS);
      expect(sut.key('K1')).toBeUndefined();
    });
  });

  it('keeps a verified digest when a key is read again after aging out, but not for another secret hash', () => {
    vi.useFakeTimers();
    const { sut } = makeCache();
    const user = makeUser();
    const first = sut.rememberKey(sut.epoch, makeKey(), user, keyState(makeKey(), user))!;
    first.secretDigest = DIGEST;
    // past the longest age (the full limit) and its grace, whatever the jitter drew
    vi.advanceTimersByTime(60_000 + RENEWAL_GRACE_MS);
    expect(sut.key('K1')).toBeUndefined();
    const again = sut.rememberKey(sut.epoch, makeKey(), user, keyState(makeKey(), user))!;
    expect(again).not.toBe(first);
    expect(again.secretDigest).toBe(DIGEST);
    const otherHash = { ...makeKey(), secretHash: Buffer.alloc(32, 1) } as ApiKey;
    expect(sut.rememberKey(sut.epoch, otherHash, user, keyState(otherHash, user))!.secretDigest).toBeNull();
  });
});
