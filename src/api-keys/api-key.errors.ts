export { CannotGrant } from '../rights/rights.errors.js';
import { DomainError } from '../common/domain-error.js';
import type { Right } from '../rights/right.js';

/** No key of this id belongs to the user. */
export class ApiKeyNotFound extends DomainError {
  readonly kind = 'not-found';

  constructor(
    readonly keyId: string,
    readonly userId: string,
  ) {
    super(`API key ${keyId} not found for user ${userId}`);
  }
}

/** The key was deleted, or its rights changed, between reading it and saving the change. */
export class ApiKeyChanged extends DomainError {
  readonly kind = 'conflict';

  constructor(readonly keyId: string) {
    super(`API key ${keyId} was deleted or changed meanwhile; read it again`);
  }
}

/** The user already holds the most keys allowed (API_KEYS_MAX_PER_USER). */
export class TooManyApiKeys extends DomainError {
  readonly kind = 'conflict';

  constructor(
    readonly userId: string,
    readonly max: number,
  ) {
    super(`User ${userId} already has ${max} API keys, the most allowed; delete one first`);
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
