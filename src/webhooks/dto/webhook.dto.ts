import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PageOf, PageQueryDto } from '../../common/page.dto.js';
import type { DeliveryStatus, WebhookDelivery } from '../webhook-delivery.entity.js';
import { WEBHOOK_EVENT_TYPES, WebhookEventType } from '../webhook-event.js';
import { MAX_WEBHOOK_URL_LENGTH } from '../webhook-url.js';
import type { Webhook } from '../webhook.entity.js';

export class CreateWebhookDto {
  /**
   * Where events are POSTed: `http` or `https`, whose host resolves only to public addresses
   * (unless the server sets WEBHOOKS_ALLOW_PRIVATE_URLS).
   * @example https://hooks.example.com/keygate
   */
  @IsString() @IsNotEmpty() @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url: string;

  /** @example ["API_KEY_CREATED", "API_KEY_EXPIRING"] */
  @IsArray() @ArrayNotEmpty() @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length) @ArrayUnique() @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  @ApiProperty({ enum: WebhookEventType, enumName: 'WebhookEventType', isArray: true, example: ['API_KEY_CREATED', 'API_KEY_EXPIRING'] })
  events: WebhookEventType[];

  /**
   * The signing secret (16 to 255 printable characters); absent, the server generates one. Shown
   * in this answer only.
   */
  @IsOptional() @IsString() @MinLength(16) @MaxLength(255) @Matches(/^[\x21-\x7e]+$/, { message: 'secret must be printable ASCII without spaces' })
  secret?: string;

  /**
   * A system administrator's webhook hears this tenant's keys; left out, every key (system-wide).
   * A tenant administrator's webhooks are its tenant's: leave it out, or name its own tenant.
   */
  @IsOptional() @IsUUID()
  tenantId?: string | null;
}

const CREATED_AT = ['createdAt'] as const;

/** Sorted by `createdAt`; `textSearch` matches the URL. */
export class WebhookPageQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(CREATED_AT)
  sortProperty?: (typeof CREATED_AT)[number] = 'createdAt';
}

const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;

/** Newest first by default; `status` and `event` narrow the list, `textSearch` looks in the payload (a key's id, say). */
export class DeliveryPageQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(CREATED_AT)
  sortProperty?: (typeof CREATED_AT)[number] = 'createdAt';

  @IsOptional() @IsIn(DELIVERY_STATUSES)
  @ApiProperty({ enum: DELIVERY_STATUSES, required: false })
  status?: DeliveryStatus;

  @IsOptional() @IsIn(WEBHOOK_EVENT_TYPES)
  @ApiProperty({ enum: WebhookEventType, enumName: 'WebhookEventType', required: false })
  event?: WebhookEventType;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  /** Null: system-wide, it hears every tenant's keys. */
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  tenantId: string | null;
  @ApiProperty({ format: 'uri', maxLength: MAX_WEBHOOK_URL_LENGTH })
  url: string;
  @ApiProperty({ enum: WebhookEventType, enumName: 'WebhookEventType', isArray: true })
  events: WebhookEventType[];
  createdAt: Date;

  static from(webhook: Webhook): WebhookDto {
    const { id, tenantId, url, events, createdAt } = webhook;
    return { id, tenantId, url, events: events as WebhookEventType[], createdAt };
  }
}

/** The webhook, with its signing secret: this once. */
export class CreatedWebhookDto extends WebhookDto {
  /** Verify each delivery's `X-Keygate-Signature` with it (docs/webhooks.md); never shown again. */
  @ApiProperty({ pattern: '^[\\x21-\\x7e]{16,255}$', example: 'whsec_3q2-7wEXAMPLEb8Rk0mZpV1sYcT4nJ6hL9dQaFgHxUoWi' })
  secret: string;
}

export class WebhookPageDto extends PageOf(WebhookDto) {}

export class DeliveryAttemptDto {
  at: Date;
  /** The receiver's status; null when it never answered. */
  @ApiProperty({ type: 'integer', format: 'int32', nullable: true, minimum: 100, maximum: 599 })
  statusCode: number | null;
  /** Why the attempt failed; null when the receiver answered 2xx. */
  @ApiProperty({ type: String, nullable: true })
  error: string | null;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 2_147_483_647 })
  durationMs: number;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  webhookId: string;
  /** The event's id: the payload's `id`, the same in every webhook's delivery of it. */
  @ApiProperty({ format: 'uuid' })
  eventId: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES })
  event: WebhookEventType;
  /** `PENDING` until the receiver answers 2xx (`DELIVERED`) or 24 hours pass (`FAILED`). */
  @ApiProperty({ enum: DELIVERY_STATUSES })
  status: DeliveryStatus;
  /** Oldest first. */
  attempts: DeliveryAttemptDto[];
  /** When the next attempt is due; null once delivered or failed. */
  @ApiProperty({ type: Date, nullable: true })
  nextAttemptAt: Date | null;
  createdAt: Date;

  static from(delivery: WebhookDelivery): WebhookDeliveryDto {
    const { id, webhookId, eventId, eventType, status, attempts, nextAttemptAt, createdAt } = delivery;
    return {
      id, webhookId, eventId, event: eventType as WebhookEventType, status,
      attempts: attempts.map((a) => ({ at: new Date(a.at), statusCode: a.statusCode, error: a.error, durationMs: a.durationMs })),
      nextAttemptAt, createdAt,
    };
  }
}

export class WebhookDeliveryPageDto extends PageOf(WebhookDeliveryDto) {}
