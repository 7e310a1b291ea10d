import type { ApiKey } from '../../api-keys/api-key.entity.js';
import type { KeyRestrictionFields } from '../../api-keys/key-restriction-rules.js';
import type { CredentialOwner, KeyUseRestrictions, Principal } from '../../rights/principal.js';
import type { RightsCatalog } from '../../rights/rights-catalog.js';
import type { User } from '../../users/user.entity.js';

export const USER_DISABLED = 'User account is disabled';

/** Why a user cannot call with a JWT, or null: the one place that decides it, for a token read now or remembered. */
export function userRefusal(user: { enabled: boolean }): string | null {
  return user.enabled ? null : USER_DISABLED;
}

/** A caller with a JWT of session `sessionId`: the user's own rights. */
export function jwtPrincipal(catalog: RightsCatalog, user: User, sessionId: string): Principal {
  return {
    ownerType: 'user',
    userId: user.id,
    authority: user.authority,
    tenantId: user.tenantId,
    customerId: user.customerId,
    method: 'jwt',
    apiKeyId: null,
    sessionId,
    keyRights: null,
    rights: catalog.authorityRights(user.authority),
    restrictions: null,
    metadata: null,
  };
}

/** A caller with a key: the key's rights, expanded now, within the owner's current rights. */
export function apiKeyPrincipal(catalog: RightsCatalog, key: Pick<ApiKey, 'id' | 'rights'> & Partial<KeyRestrictionFields>, owner: CredentialOwner): Principal {
  return {
    ownerType: owner.type,
    userId: owner.id,
    authority: owner.authority,
    tenantId: owner.tenantId,
    customerId: owner.customerId,
    method: 'apiKey',
    apiKeyId: key.id,
    sessionId: null,
    keyRights: key.rights,
    rights: catalog.keyRights(key.rights, owner),
    restrictions: keyUseRestrictions(key),
    metadata: key.metadata ?? null,
  };
}

/** A key's restrictions, or null when it has none (a key without any then costs nothing to check). */
export function keyUseRestrictions(key: Partial<KeyRestrictionFields>): KeyUseRestrictions | null {
  const allowedCidrs = key.allowedCidrs ?? null;
  const rateLimit = key.rateLimit == null ? null : { limit: key.rateLimit, windowSeconds: key.rateLimitWindowSeconds! };
  return allowedCidrs === null && rateLimit === null ? null : { allowedCidrs, rateLimit };
}
