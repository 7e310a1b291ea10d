import { DomainError } from '../common/domain-error.js';

export class TenantNotFound extends DomainError {
  readonly kind = 'not-found';

  constructor(readonly tenantId: string) {
    super(`Tenant ${tenantId} not found`);
  }
}

/** No customer of this id, or none in the tenant named. */
export class CustomerNotFound extends DomainError {
  readonly kind = 'not-found';

  constructor(
    readonly customerId: string,
    readonly tenantId?: string,
  ) {
    super(tenantId ? `Customer ${customerId} not found in tenant ${tenantId}` : `Customer ${customerId} not found`);
  }
}

/** The caller belongs to no tenant, so has no customers to manage. */
export class NotInTenant extends DomainError {
  readonly kind = 'forbidden';

  constructor() {
    super('Customers belong to a tenant: only its tenant administrators manage them');
  }
}
