import { DomainError } from '../common/domain-error.js';
import type { RightName } from './right.js';

/** Rights that no catalog entry names (GET /api/rights lists those that exist). */
export class UnknownRights extends DomainError {
  readonly kind = 'invalid';

  constructor(readonly rights: RightName[]) {
    super(`Unknown right(s): ${rights.join(', ')}; GET /api/rights lists the rights there are`);
  }
}

/** The caller would hand a key or an account rights it does not hold itself. */
export class CannotGrant extends DomainError {
  readonly kind = 'forbidden';

  constructor(readonly missingRights: RightName[]) {
    super(`You cannot grant rights you do not hold: ${missingRights.join(', ')}`, { missingRights });
  }
}
