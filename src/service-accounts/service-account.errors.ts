import { DomainError } from '../common/domain-error.js';
import type { RightName } from '../rights/right.js';

export class ServiceAccountNotFound extends DomainError {
  readonly kind = 'not-found';

  constructor(readonly serviceAccountId: string) {
    super(`Service account ${serviceAccountId} not found`);
  }
}

/** The account exists, but is not one the caller manages. */
export class ServiceAccountNotManaged extends DomainError {
  readonly kind = 'forbidden';

  constructor(readonly serviceAccountId: string) {
    super(`You do not manage service account ${serviceAccountId}`);
  }
}

/** Only system administrators (system-level accounts) and tenant administrators (their tenant's) manage accounts. */
export class CannotPlaceServiceAccount extends DomainError {
  readonly kind = 'forbidden';

  constructor(reason: string) {
    super(reason);
  }
}

/** keygate's own management rights are for people: an account holds the platform's rights, verify and (system level) metrics. */
export class NotGrantableToServiceAccount extends DomainError {
  readonly kind = 'invalid';

  constructor(readonly rights: RightName[]) {
    super(`A service account cannot hold ${rights.join(', ')}: it may hold RIGHT_ALL, the platform's rights and groups, RIGHT_KEYS_VERIFY and, at system level, RIGHT_METRICS_READ`);
  }
}
