import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../config/app-config.js';
import type { ServerSecrets } from '../config/config.module.js';
import { Authority } from '../rights/authority.js';
import type { Principal } from '../rights/principal.js';
import { Right } from '../rights/right.js';
import { RightsCatalog } from '../rights/rights-catalog.js';
import type { ServiceAccountsService } from '../service-accounts/service-accounts.service.js';
import type { User } from '../users/user.entity.js';
import type { UsersService } from '../users/users.service.js';
import { generateApiKey, hashSecret } from './api-key-format.js';
import type { ApiKey } from './api-key.entity.js';
import { ApiKeyChanged, ApiKeyNotFound, CannotGrant, InvalidExpiry, TooManyApiKeys } from './api-key.errors.js';
import type { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { double } from '../../test/support/doubles.js';
import type { ChangeFeed } from '../database/change-feed.js';
import type { AuditService } from '../audit/audit.service.js';

const secrets = { apiKeyHashSecret: 'test-hash-secret' } as ServerSecrets;
const catalog = new RightsCatalog();
const me = { type: 'user', id: 'me' } as const;

/** Keys of two users, and a service whose repositories answer from them (counting the queries). */
function makeService() {
  const owners = ['u1', 'u2'].map((id) => ({ id, enabled: true, authority: Authority.TENANT_ADMIN, tenantId: 't', customerId: null }) as User);
  const issued = Array.from({ length: 6 }, (_, i) => ({ ...generateApiKey(), userId: owners[i % 2]!.id }));
  const rows = issued.map(({ id, secret, userId }) => ({ id, userId, serviceAccountId: null, secretHash: hashSecret(secrets.apiKeyHashSecret, secret), enabled: true, expiresAt: null }) as unknown as ApiKey);
  const keys = { findManyForVerification: vi.fn(async (ids: string[]) => rows.filter((r) => ids.includes(r.id))) };
  const users = { findByIds: vi.fn(async (ids: string[]) => owners.filter((u) => ids.includes(u.id))) };
  const accounts = { findByIds: vi.fn(async () => []) };
  const sut = new ApiKeysService(
    double<ApiKeysRepository>('keys', keys), double<UsersService>('users', users), double<ServiceAccountsService>('accounts', accounts), catalog,
    double<ChangeFeed>('changes'), double<AppConfig>('config'), double<AuditService>('audit'), secrets,
  );
  return { sut, issued, keys, users };
}

describe('ApiKeysService.verify', () => {
  it('looks up keys presented together in one query for the keys and one for their owners, each key with its own owner', async () => {
    const { sut, issued, keys, users } = makeService();
    const verified = await Promise.all(issued.map((k) => sut.verify(k.key)));
    expect(keys.findManyForVerification).toHaveBeenCalledTimes(1);
    expect(users.findByIds).toHaveBeenCalledTimes(1);
    expect(users.findByIds.mock.calls[0]![0]).toEqual(['u1', 'u2']);
    expect(verified.map((v) => (v.ok ? [v.key.id, v.owner.id] : v.reason))).toEqual(issued.map((k) => [k.id, k.userId]));
  });

  it('refuses, in the same batch, an unknown id and a wrong secret, telling which key exists', async () => {
    const { sut, issued } = makeService();
    const unknown = generateApiKey().key;
    const wrong = `${issued[0]!.key.slice(0, -1)}${issued[0]!.key.endsWith('A') ? 'B' : 'A'}`;
    const [a, b, c] = await Promise.all([sut.verify(unknown), sut.verify(wrong), sut.verify(issued[1]!.key)]);
    expect(a).toEqual({ ok: false, record: null, reason: 'Invalid API key' });
    expect(b).toMatchObject({ ok: false, record: { key: { id: issued[0]!.id } }, reason: 'Invalid API key' });
    expect(c).toMatchObject({ ok: true, owner: { id: 'u2' } });
    // the digest a matched secret leaves, so that memory needs no second HMAC; none for a wrong secret
    expect(c).toMatchObject({ state: { secretDigest: createHash('sha256').update(issued[1]!.secret).digest('base64') } });
    expect(b).toMatchObject({ record: { state: { secretDigest: null } } });
  });
});

/** A caller with a customer user's rights, by JWT or by a key holding only `keyRights`. */
function makeCaller(keyRights?: Right[]): Principal {
  return {
    ownerType: 'user',
    userId: 'u1',
    authority: Authority.CUSTOMER_USER,
    tenantId: 't1',
    customerId: 'c1',
    method: keyRights ? 'apiKey' : 'jwt',
    apiKeyId: keyRights ? 'K0' : null,
    sessionId: keyRights ? null : 's1',
    keyRights: keyRights ?? null,
    restrictions: null,
    metadata: null,
    rights: keyRights ? new Set(keyRights) : catalog.authorityRights(Authority.CUSTOMER_USER),
  };
}

/** A service over one user's keys, the caller's to manage, with room for `max` keys living at most `maxDays`. */
function makeManagingService({ max = 0, maxDays = 0, count = 0 } = {}) {
  const owner = { id: 'u1', tenantId: 't1', customerId: 'c1', authority: Authority.CUSTOMER_USER, enabled: true } as User;
  const key = { id: 'K1', userId: owner.id, serviceAccountId: null, rights: [Right.USER_INFO], enabled: true, expiresAt: null } as unknown as ApiKey;
  const keys = {
    countForOwner: vi.fn(async () => count),
    findByIdForOwner: vi.fn(async (_owner: unknown, id: string) => (id === key.id ? key : null)),
    updateForOwner: vi.fn(async (): Promise<ApiKey | null> => null),
    deleteForOwner: vi.fn(async () => false),
    insert: vi.fn(),
  };
  const users = { getManaged: vi.fn(async () => owner) };
  const config = { API_KEYS_MAX_PER_USER: max, API_KEYS_MAX_LIFETIME_DAYS: maxDays } as AppConfig;
  const sut = new ApiKeysService(
    double<ApiKeysRepository>('keys', keys), double<UsersService>('users', users), double<ServiceAccountsService>('accounts'), catalog,
    double<ChangeFeed>('changes'), config, double<AuditService>('audit'), secrets,
  );
  return { sut, keys };
}

describe('ApiKeysService refusals, in the domain\'s words', () => {
  it('CannotGrant names the rights the caller lacks', async () => {
    const { sut, keys } = makeManagingService();
    const refused = sut.create(makeCaller([Right.USER_INFO]), me, { description: 'robot', rights: [Right.USER_INFO, Right.USER_SETTINGS_BASIC] }, '127.0.0.1');
    await expect(refused).rejects.toBeInstanceOf(CannotGrant);
    await expect(refused).rejects.toMatchObject({ kind: 'forbidden', missingRights: [Right.USER_SETTINGS_BASIC], extra: { missingRights: [Right.USER_SETTINGS_BASIC] } });
    expect(keys.insert).not.toHaveBeenCalled();
  });

  it('CannotGrant a pseudo-right (the default RIGHT_ALL, or RIGHT_USER_ALL) to a key caller whose key lacks it', async () => {
    const { sut } = makeManagingService();
    const caller = { ...makeCaller([Right.USER_INFO]), rights: catalog.authorityRights(Authority.CUSTOMER_USER) };
    await expect(sut.create(caller, me, { description: 'robot' }, '127.0.0.1')).rejects.toMatchObject({ missingRights: [Right.ALL] });
    await expect(sut.create(caller, me, { description: 'robot', rights: [Right.USER_ALL] }, '127.0.0.1')).rejects.toMatchObject({ missingRights: [Right.USER_ALL] });
  });

  it('UnknownRights for a right the catalog does not have', async () => {
    const { sut } = makeManagingService();
    await expect(sut.create(makeCaller(), me, { description: 'robot', rights: ['RIGHT_NOT_THERE'] }, '127.0.0.1')).rejects.toMatchObject({ kind: 'invalid', rights: ['RIGHT_NOT_THERE'] });
  });

  it('TooManyApiKeys once the user holds the most allowed', async () => {
    const { sut } = makeManagingService({ max: 2, count: 2 });
    await expect(sut.create(makeCaller(), me, { description: 'third' }, '127.0.0.1')).rejects.toEqual(new TooManyApiKeys('u1', 2));
  });

  it('InvalidExpiry beyond the longest lifetime, or taken away', async () => {
    const { sut } = makeManagingService({ maxDays: 30 });
    const late = new Date(Date.now() + 31 * 86_400_000).toISOString();
    await expect(sut.create(makeCaller(), me, { description: 'long', expiresAt: late }, '127.0.0.1')).rejects.toEqual(new InvalidExpiry(30, 'too late'));
    await expect(sut.update(makeCaller(), me, 'K1', { expiresAt: null }, '127.0.0.1')).rejects.toMatchObject({ kind: 'invalid', problem: 'missing' });
  });

  it('ApiKeyNotFound for a key that is not the user\'s, ApiKeyChanged when it went meanwhile', async () => {
    const { sut } = makeManagingService();
    await expect(sut.get(makeCaller(), me, 'K2')).rejects.toEqual(new ApiKeyNotFound('K2', 'me'));
    await expect(sut.delete(makeCaller(), me, 'K2', '127.0.0.1')).rejects.toBeInstanceOf(ApiKeyNotFound);
    await expect(sut.update(makeCaller(), me, 'K1', { description: 'renamed' }, '127.0.0.1')).rejects.toEqual(new ApiKeyChanged('K1'));
  });
});
