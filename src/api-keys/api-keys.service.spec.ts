import { describe, expect, it, vi } from 'vitest';
import type { ServerSecrets } from '../config/config.module.js';
import type { User } from '../users/user.entity.js';
import type { UsersService } from '../users/users.service.js';
import { generateApiKey, hashSecret } from './api-key-format.js';
import type { ApiKey } from './api-key.entity.js';
import type { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeyRejected, ApiKeysService } from './api-keys.service.js';

const secrets = { apiKeyHashSecret: 'test-hash-secret' } as ServerSecrets;

/** Keys of two users, and a service whose repositories answer from them (counting the queries). */
function makeService() {
  const owners = ['u1', 'u2'].map((id) => ({ id, enabled: true }) as User);
  const issued = Array.from({ length: 6 }, (_, i) => ({ ...generateApiKey(), userId: owners[i % 2]!.id }));
  const rows = issued.map(({ id, secret, userId }) => ({ id, userId, secretHash: hashSecret(secrets.apiKeyHashSecret, secret), enabled: true, expiresAt: null }) as unknown as ApiKey);
  const keys = { findManyForVerification: vi.fn(async (ids: string[]) => rows.filter((r) => ids.includes(r.id))) };
  const users = { findByIds: vi.fn(async (ids: string[]) => owners.filter((u) => ids.includes(u.id))) };
  const sut = new ApiKeysService(keys as unknown as ApiKeysRepository, users as unknown as UsersService, null as never, null as never, null as never, secrets);
  return { sut, issued, keys, users };
}

describe('ApiKeysService.verify', () => {
  it('looks up keys presented together in one query for the keys and one for their owners, each key with its own owner', async () => {
    const { sut, issued, keys, users } = makeService();
    const verified = await Promise.all(issued.map((k) => sut.verify(k.key)));
    expect(keys.findManyForVerification).toHaveBeenCalledTimes(1);
    expect(users.findByIds).toHaveBeenCalledTimes(1);
    expect(users.findByIds.mock.calls[0]![0]).toEqual(['u1', 'u2']);
    expect(verified.map((v) => [v.key.id, v.owner.id])).toEqual(issued.map((k) => [k.id, k.userId]));
  });

  it('refuses, in the same batch, an unknown id and a wrong secret, telling which key exists', async () => {
    const { sut, issued } = makeService();
    const unknown = generateApiKey().key;
    const wrong = `${issued[0]!.key.slice(0, -1)}${issued[0]!.key.endsWith('A') ? 'B' : 'A'}`;
    const [a, b, c] = await Promise.allSettled([sut.verify(unknown), sut.verify(wrong), sut.verify(issued[1]!.key)]);
    expect(a).toMatchObject({ status: 'rejected', reason: { record: null, message: 'Invalid API key' } });
    expect(b).toMatchObject({ status: 'rejected', reason: { record: { key: { id: issued[0]!.id } }, message: 'Invalid API key' } });
    expect((b as PromiseRejectedResult).reason).toBeInstanceOf(ApiKeyRejected);
    expect(c).toMatchObject({ status: 'fulfilled', value: { owner: { id: 'u2' } } });
  });
});
