import { DomainError } from '../common/domain-error.js';
import { Authority } from '../rights/authority.js';
import type { RightName } from '../rights/right.js';

export class UserNotFound extends DomainError {
  readonly kind = 'not-found';

  constructor(readonly userId: string) {
    super(`User ${userId} not found`);
  }
}

/** The user exists, but is not one the caller manages. */
export class NotManaged extends DomainError {
  readonly kind = 'forbidden';

  constructor(readonly userId: string) {
    super(`You do not manage user ${userId}`);
  }
}

/** The caller's authority may not create users of this one. */
export class CannotCreateAuthority extends DomainError {
  readonly kind = 'forbidden';

  constructor(
    /** Null: a service account's key, which creates nobody. */
    readonly actorAuthority: Authority | null,
    readonly authority: Authority,
  ) {
    super(`A ${actorAuthority ?? 'service account'} cannot create ${authority} users`);
  }
}

/** Creating or re-enabling a user of this authority would hand out rights the caller lacks. */
export class CannotGrantAuthority extends DomainError {
  readonly kind = 'forbidden';

  constructor(
    readonly authority: Authority,
    readonly missingRights: RightName[],
  ) {
    super(`A ${authority} holds rights you do not: ${missingRights.join(', ')}`, { missingRights });
  }
}

/** A tenant administrator places new users in its own tenant only. */
export class OutsideOwnTenant extends DomainError {
  readonly kind = 'forbidden';

  constructor() {
    super('You can only create users in your own tenant');
  }
}

/** Nobody enables or disables their own account. */
export class CannotSwitchOwnAccount extends DomainError {
  readonly kind = 'forbidden';

  constructor() {
    super('You cannot enable or disable your own account');
  }
}

export class EmailTaken extends DomainError {
  readonly kind = 'conflict';

  constructor(readonly email: string) {
    super(`Email ${email} is already taken`);
  }
}

/** Disabling or deleting this user would leave no enabled system administrator. */
export class LastSysAdmin extends DomainError {
  readonly kind = 'conflict';

  constructor() {
    super('The last enabled system administrator cannot be disabled or deleted');
  }
}

const MISSING_PLACEMENT = {
  tenantId: 'tenantId is required for a tenant administrator',
  customerId: 'customerId is required for a customer user',
} as const;

/** A new user of this authority needs a tenant (and a customer user a customer too). */
export class MissingPlacement extends DomainError {
  readonly kind = 'invalid';

  constructor(readonly field: keyof typeof MISSING_PLACEMENT) {
    super(MISSING_PLACEMENT[field]);
  }
}

/** A system administrator belongs to no tenant or customer, a tenant administrator to no customer. */
export class UnwantedPlacement extends DomainError {
  readonly kind = 'invalid';

  constructor(readonly authority: Authority.SYS_ADMIN | Authority.TENANT_ADMIN) {
    super(authority === Authority.SYS_ADMIN ? 'A system administrator belongs to no tenant or customer' : 'A tenant administrator belongs to no customer');
  }
}
