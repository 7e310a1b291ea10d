export { CannotGrant, RestrictedKeyCannotLoosen } from '../rights/rights.errors.js';
import { DomainError } from '../common/domain-error.js';
import type { OwnerType } from '../rights/principal.js';

const OWNER: Record<OwnerType, string> = { user: 'user', serviceAccount: 'service account' };

/** No key of this id belongs to the owner (`userId`: the user, or the service account, as the route named it). */
export class ApiKeyNotFound extends DomainError {
  readonly kind = 'not-found';

  constructor(
    readonly keyId: string,
    readonly userId: string,
    ownerType: OwnerType = 'user',
  ) {
    super(`API key ${keyId} not found for ${OWNER[ownerType]} ${userId}`);
  }
}

/** Only a working key is rolled: rolling a disabled or expired one would bring its rights back. */
export class CannotRollInactiveKey extends DomainError {
  readonly kind = 'conflict';

  constructor(readonly keyId: string) {
    super(`API key ${keyId} is disabled or expired: enable it, or create a new key, instead of rolling it`);
  }
}

/** The key was deleted, or its rights changed, between reading it and saving the change. */
export class ApiKeyChanged extends DomainError {
  readonly kind = 'conflict';

  constructor(readonly keyId: string) {
    super(`API key ${keyId} was deleted or changed meanwhile; read it again`);
  }
}

/** The owner already holds the most keys allowed (API_KEYS_MAX_PER_USER, for service accounts too). */
export class TooManyApiKeys extends DomainError {
  readonly kind = 'conflict';

  constructor(
    readonly userId: string,
    readonly max: number,
    ownerType: OwnerType = 'user',
  ) {
    super(`${ownerType === 'user' ? 'User' : 'Service account'} ${userId} already has ${max} API keys, the most allowed; delete one first`);
  }
}

/** An expiry missing, or beyond the longest lifetime allowed (API_KEYS_MAX_LIFETIME_DAYS). */
export class InvalidExpiry extends DomainError {
  readonly kind = 'invalid';

  constructor(
    readonly maxDays: number,
    readonly problem: 'missing' | 'too late',
  ) {
    super(problem === 'missing' ? `expiresAt is required: keys live at most ${maxDays} days` : `expiresAt must be within ${maxDays} days from now`);
  }
}
