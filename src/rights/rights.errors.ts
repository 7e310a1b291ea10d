import { DomainError } from '../common/domain-error.js';
import type { RightName } from './right.js';

/** Rights that no catalog entry names (GET /api/rights lists those that exist). */
export class UnknownRights extends DomainError {
  readonly kind = 'invalid';

  constructor(readonly rights: RightName[]) {
    super(`Unknown right(s): ${rights.join(', ')}; GET /api/rights lists the rights there are`);
  }
}

/** What a key with restrictions may not do, each of which would hand out a credential free of them. */
const LOOSENING = {
  'create-key': 'create keys',
  'change-restrictions': "change a key's allowedCidrs or rateLimit",
  'create-user': 'create users (whoever sets a password can log in without the key)',
};

/**
 * A key with restrictions (allowedCidrs, rateLimit) stays bound by them: it may not create a key, nor
 * change a key's restrictions, its own included, nor create a user whose password it sets.
 */
export class RestrictedKeyCannotLoosen extends DomainError {
  readonly kind = 'forbidden';

  constructor(action: keyof typeof LOOSENING) {
    super(`This API key has restrictions (allowedCidrs or rateLimit), so it cannot ${LOOSENING[action]}; use a login or a key without restrictions`);
  }
}

/** The caller would hand a key or an account rights it does not hold itself. */
export class CannotGrant extends DomainError {
  readonly kind = 'forbidden';

  constructor(readonly missingRights: RightName[]) {
    super(`You cannot grant rights you do not hold: ${missingRights.join(', ')}`, { missingRights });
  }
}
