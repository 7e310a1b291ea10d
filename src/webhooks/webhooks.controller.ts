import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ClientIp } from '../common/client-ip.decorator.js';
import { mapPage } from '../common/page.dto.js';
import type { Principal } from '../rights/principal.js';
import { Right } from '../rights/right.js';
import { CurrentPrincipal, RequireRights } from '../rights/route-rights.decorator.js';
import {
  CreatedWebhookDto, CreateWebhookDto, DeliveryPageQueryDto, WebhookDeliveryDto, WebhookDeliveryPageDto, WebhookDto, WebhookPageDto, WebhookPageQueryDto,
} from './dto/webhook.dto.js';
import { WebhooksService } from './webhooks.service.js';

/** Signed POSTs of key events to a tenant's (or every tenant's) receivers: docs/webhooks.md. */
@ApiTags('webhooks')
@Controller('webhooks')
@RequireRights(Right.USER_WEBHOOKS)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** Creates a webhook and shows its signing secret, this once: copy `secret` now. */
  @Post()
  @Header('Cache-Control', 'no-store')
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateWebhookDto, @ClientIp() clientIp: string): Promise<CreatedWebhookDto> {
    const webhook = await this.webhooks.create(principal, dto, clientIp);
    return { ...WebhookDto.from(webhook), secret: webhook.secret };
  }

  /** The webhooks the caller manages: all for a system administrator, its tenant's for a tenant administrator. */
  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query() query: WebhookPageQueryDto): Promise<WebhookPageDto> {
    return mapPage(await this.webhooks.list(principal, query), WebhookDto.from);
  }

  /** The webhook's deliveries, newest first: each event, its status, every attempt and the next one. */
  @Get(':webhookId/deliveries')
  async deliveries(
    @CurrentPrincipal() principal: Principal,
    @Param('webhookId') id: string,
    @Query() query: DeliveryPageQueryDto,
  ): Promise<WebhookDeliveryPageDto> {
    return mapPage(await this.webhooks.deliveries(principal, id, query), WebhookDeliveryDto.from);
  }

  /** Deletes the webhook and its deliveries, pending ones included. */
  @Delete(':webhookId')
  @HttpCode(204)
  async delete(@CurrentPrincipal() principal: Principal, @Param('webhookId') id: string, @ClientIp() clientIp: string): Promise<void> {
    await this.webhooks.delete(principal, id, clientIp);
  }
}
