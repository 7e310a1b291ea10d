import { JwtService } from '@nestjs/jwt';
import { describe, expect, it, vi } from 'vitest';
import { double } from '../../../../test/support/doubles.js';
import { generateApiKey } from '../../../api-keys/api-key-format.js';
import type { ApiKeysService, KeyVerification } from '../../../api-keys/api-keys.service.js';
import type { ServerSecrets } from '../../../config/config.module.js';
import type { User } from '../../../users/user.entity.js';
import type { UsersService } from '../../../users/users.service.js';
import type { SessionsService } from '../../login/sessions/sessions.service.js';
import { runStrategy } from '../run-strategy.js';
import { ApiKeyStrategy } from './api-key.strategy.js';
import { type JwtDecision, JwtStrategy } from './jwt.strategy.js';

const refused: KeyVerification = { ok: false, reason: 'Invalid API key', record: null };
const inAuthorization = generateApiKey().key;
const inXAuthorization = generateApiKey().key;

function keyStrategy(header: 'authorization' | 'x-authorization') {
  const verify = vi.fn(() => Promise.resolve(refused));
  return { sut: new ApiKeyStrategy(header, double<ApiKeysService>('apiKeys', { verify })), verify };
}

describe('ApiKeyStrategy, run on the real request', () => {
  it('reads the key in its own header, Authorization: Bearer, not the one beside it', async () => {
    const { sut, verify } = keyStrategy('authorization');
    const outcome = await runStrategy(sut, { headers: { authorization: `Bearer ${inAuthorization}`, 'x-authorization': `ApiKey ${inXAuthorization}` } });
    expect(outcome).toEqual({ ok: true, user: refused });
    expect(verify).toHaveBeenCalledExactlyOnceWith(inAuthorization);
  });

  it.each(['ApiKey', 'apikey', 'Bearer'])('reads the key in X-Authorization: %s, in any case of the scheme', async (scheme) => {
    const { sut, verify } = keyStrategy('x-authorization');
    await runStrategy(sut, { headers: { authorization: `Bearer ${inAuthorization}`, 'x-authorization': `${scheme} ${inXAuthorization}` } });
    expect(verify).toHaveBeenCalledExactlyOnceWith(inXAuthorization);
  });

  it.each([
    ['its header is missing', {}],
    ['its header has another scheme', { authorization: `ApiKey ${inAuthorization}` }],
    ['its header holds two values', { authorization: `Bearer ${inAuthorization}, Bearer ${inAuthorization}` }],
  ])('fails, without a database check, when %s', async (_name, headers) => {
    const { sut, verify } = keyStrategy('authorization');
    const outcome = await runStrategy(sut, { headers });
    expect(outcome.ok).toBe(false);
    expect(verify).not.toHaveBeenCalled();
  });
});

describe('JwtStrategy, run on the real request', () => {
  const secrets = { jwtSecret: 'a-test-secret-of-enough-length-for-hs256' } as ServerSecrets;
  const user = { id: '6f1c1b8e-8a43-4c9a-9a55-0d0c0a3b6f10', enabled: true } as User;
  const sessionId = '0b7a3c1e-2f4d-4e8a-9c1b-3d5e7f9a1b2c';
  const sign = (sub: string) => new JwtService({ secret: secrets.jwtSecret }).sign({ sub, typ: 'access', sid: sessionId }, { expiresIn: 60 });
  const strategy = (header: 'authorization' | 'x-authorization') =>
    new JwtStrategy(
      header,
      secrets,
      double<UsersService>('users', { findById: vi.fn(() => Promise.resolve(user)) }),
      double<SessionsService>('sessions', { isLive: vi.fn(() => Promise.resolve(true)) }),
    );

  it.each([
    ['authorization', { authorization: `Bearer ${sign(user.id)}`, 'x-authorization': 'Bearer not.a.jwt' }],
    ['x-authorization', { authorization: 'Bearer not.a.jwt', 'x-authorization': `bearer ${sign(user.id)}` }],
  ] as const)('reads the token in %s, not the one beside it', async (header, headers) => {
    const outcome = await runStrategy<JwtDecision>(strategy(header), { headers });
    expect(outcome).toMatchObject({ ok: true, user: { ok: true, user, sessionId } });
  });

  it('fails when its header carries no bearer token', async () => {
    const outcome = await runStrategy<JwtDecision>(strategy('x-authorization'), { headers: { authorization: `Bearer ${sign(user.id)}` } });
    expect(outcome.ok).toBe(false);
  });
});
