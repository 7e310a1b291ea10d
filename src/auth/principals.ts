import type { ApiKey } from '../api-keys/api-key.entity.js';
import type { Principal } from '../rights/principal.js';
import { authorityRights, effectiveKeyRights } from '../rights/rights.js';
import type { User } from '../users/user.entity.js';

/** A caller with a JWT: the user's own rights. */
export function jwtPrincipal(user: User): Principal {
  return {
    userId: user.id,
    authority: user.authority,
    tenantId: user.tenantId,
    customerId: user.customerId,
    method: 'jwt',
    apiKeyId: null,
    keyRights: null,
    rights: authorityRights(user.authority),
  };
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
    keyRights: key.rights,
    rights: effectiveKeyRights(key.rights, owner.authority),
  };
}
