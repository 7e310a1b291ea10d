import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-event.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { toPage, type Page } from '../common/page.dto.js';
import { AppConfig } from '../config/app-config.js';
import { Authority } from '../rights/authority.js';
import type { Principal } from '../rights/principal.js';
import { TenantsRepository } from '../tenants/tenants.repository.js';
import { TenantNotFound } from '../tenants/tenant.errors.js';
import type { CreateWebhookDto, DeliveryPageQueryDto, WebhookPageQueryDto } from './dto/webhook.dto.js';
import type { WebhookDelivery } from './webhook-delivery.entity.js';
import { checkWebhookUrl } from './webhook-url.js';
import type { Webhook } from './webhook.entity.js';
import { CannotPlaceWebhook, TooManyWebhooks, WebhookNotFound } from './webhook.errors.js';
import { WebhooksRepository, type WebhookScope } from './webhooks.repository.js';

/**
 * Webhooks: a system administrator manages every one (system-wide, or any tenant's), a tenant
 * administrator its tenant's; nobody else manages any. Another tenant's webhook is not found.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly tenants: TenantsRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  private scopeOf(caller: Principal): WebhookScope {
    if (caller.authority === Authority.SYS_ADMIN) return { all: true };
    if (caller.authority === Authority.TENANT_ADMIN) return { all: false, tenantId: caller.tenantId! };
    throw new CannotPlaceWebhook('Only system and tenant administrators manage webhooks');
  }

  /** A new webhook, with its signing secret (generated when none is given): shown this once. */
  async create(caller: Principal, dto: CreateWebhookDto, clientIp: string): Promise<Webhook> {
    const scope = this.scopeOf(caller);
    const tenantId = scope.all ? (dto.tenantId ?? null) : scope.tenantId;
    if (!scope.all && dto.tenantId && dto.tenantId !== scope.tenantId) throw new CannotPlaceWebhook('You can only create webhooks for your own tenant');
    if (scope.all && tenantId && !(await this.tenants.findById(tenantId))) throw new TenantNotFound(tenantId);
    const url = await checkWebhookUrl(dto.url, this.config.WEBHOOKS_ALLOW_PRIVATE_URLS);
    const max = this.config.WEBHOOKS_MAX_PER_TENANT;
    if ((await this.webhooks.countForTenant(tenantId)) >= max) throw new TooManyWebhooks(max, tenantId);
    const webhook = await this.webhooks.insert({
      tenantId,
      url: url.href,
      events: dto.events,
      secret: dto.secret ?? `whsec_${randomBytes(32).toString('base64url')}`,
    });
    await this.record(caller, webhook, clientIp, AuditAction.WEBHOOK_CREATED);
    return webhook;
  }

  async list(caller: Principal, query: WebhookPageQueryDto): Promise<Page<Webhook>> {
    const [webhooks, total] = await this.webhooks.findPage(this.scopeOf(caller), query);
    return toPage(webhooks, total, query);
  }

  async getManaged(caller: Principal, id: string): Promise<Webhook> {
    const webhook = await this.webhooks.findInScope(this.scopeOf(caller), id);
    if (!webhook) throw new WebhookNotFound(id);
    return webhook;
  }

  /** Deletes the webhook; its pending deliveries go with it. */
  async delete(caller: Principal, id: string, clientIp: string): Promise<void> {
    const webhook = await this.getManaged(caller, id);
    if (!(await this.webhooks.delete(webhook.id))) throw new WebhookNotFound(id);
    await this.record(caller, webhook, clientIp, AuditAction.WEBHOOK_DELETED);
  }

  async deliveries(caller: Principal, id: string, query: DeliveryPageQueryDto): Promise<Page<WebhookDelivery>> {
    const webhook = await this.getManaged(caller, id);
    const [deliveries, total] = await this.webhooks.findDeliveryPage(webhook.id, query);
    return toPage(deliveries, total, query);
  }

  private record(caller: Principal, webhook: Webhook, clientIp: string, action: AuditAction): Promise<void> {
    return this.audit.record({ action, actor: caller, tenantId: webhook.tenantId, clientIp, details: { webhookId: webhook.id, url: webhook.url, events: webhook.events } });
  }
}
