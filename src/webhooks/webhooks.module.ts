import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { KeyExpiryScan } from './key-expiry-scan.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookEvents } from './webhook-events.js';
import { WebhookSender } from './webhook-sender.js';
import { Webhook } from './webhook.entity.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/** Webhooks: their management, the deliveries the audit trail's key events and the expiry scan queue, and their sending. */
@Module({
  imports: [TypeOrmModule.forFeature([Webhook, WebhookDelivery]), AuditModule, TenantsModule],
  controllers: [WebhooksController],
  providers: [WebhooksRepository, WebhooksService, WebhookEvents, WebhookSender, KeyExpiryScan],
})
export class WebhooksModule {}
