import { DomainError } from '../common/domain-error.js';

export class WebhookNotFound extends DomainError {
  readonly kind = 'not-found';

  constructor(readonly webhookId: string) {
    super(`Webhook ${webhookId} not found`);
  }
}

/** Only system administrators (any tenant, or system-wide) and tenant administrators (their tenant) manage webhooks. */
export class CannotPlaceWebhook extends DomainError {
  readonly kind = 'forbidden';

  constructor(reason: string) {
    super(reason);
  }
}

export class TooManyWebhooks extends DomainError {
  readonly kind = 'invalid';

  constructor(max: number, tenantId: string | null) {
    super(`${tenantId ? `Tenant ${tenantId}` : 'The system level'} already has ${max} webhooks, the most allowed (WEBHOOKS_MAX_PER_TENANT): delete one first`);
  }
}
