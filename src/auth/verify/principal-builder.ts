import type { ApiKey } from '../../api-keys/api-key.entity.js';
import type { Principal } from '../../rights/principal.js';
import type { Authority } from '../../rights/authority.js';
import type { Right } from '../../rights/right.js';
import { authorityRights, effectiveKeyRights } from '../../rights/effective-rights.js';
import type { User } from '../../users/user.entity.js';

export const USER_DISABLED = 'User account is disabled';

/** Why a user cannot call with a JWT, or null: the one place that decides it, for a token read now or remembered. */
export function userRefusal(user: { enabled: boolean }): string | null {
  return user.enabled ? null : USER_DISABLED;
}

/** A caller with a JWT of session `sessionId`: the user's own rights. */
export function jwtPrincipal(user: User, sessionId: string): Principal {
  return {
    userId: user.id,
    authority: user.authority,
    tenantId: user.tenantId,
    customerId: user.customerId,
    method: 'jwt',
    apiKeyId: null,
    sessionId,
    keyRights: null,
    rights: authorityRights(user.authority),
  };
}

/**
 * Effective rights by owner authority and key rights: keys with the same rights and owner kind
 * share one (read-only) set, so thousands of remembered keys hold a handful of sets, not one each.
 */
const sharedKeyRights = new Map<string, ReadonlySet<Right>>();
const MAX_SHARED_RIGHT_SETS = 10_000;

function keyRightsFor(keyRights: readonly string[], authority: Authority): ReadonlySet<Right> {
  // JSON: no two lists of rights give the same text
  const id = `${authority}|${JSON.stringify(keyRights)}`;
  let rights = sharedKeyRights.get(id);
  if (rights === undefined) {
    if (sharedKeyRights.size >= MAX_SHARED_RIGHT_SETS) sharedKeyRights.clear();
    rights = effectiveKeyRights(keyRights, authority);
    sharedKeyRights.set(id, rights);
  }
  return rights;
}

/** A caller with a key: the key's rights, expanded now, within the owner's current rights. */
export function apiKeyPrincipal(key: Pick<ApiKey, 'id' | 'rights'>, owner: User): Principal {
  return {
    userId: owner.id,
    authority: owner.authority,
    tenantId: owner.tenantId,
    customerId: owner.customerId,
    method: 'apiKey',
    apiKeyId: key.id,
    sessionId: null,
    keyRights: key.rights,
    rights: keyRightsFor(key.rights, owner.authority),
  };
}
