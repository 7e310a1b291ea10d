import type { Schemas } from './api-types.js';
import { type Column, type Page, type PageWindow, pageTable, shorten, timeOrNever } from './page-table.js';

export type WebhookRow = Pick<Schemas['WebhookDto'], 'id' | 'tenantId' | 'url' | 'events'>;
export type WebhookDeliveryRow = Pick<Schemas['WebhookDeliveryDto'], 'id' | 'event' | 'status' | 'attempts' | 'nextAttemptAt'>;

const WEBHOOK_COLUMNS: readonly Column<WebhookRow>[] = [
  ['ID', (webhook) => webhook.id],
  // a webhook of no tenant hears every tenant's keys
  ['TENANT', (webhook) => webhook.tenantId ?? 'all'],
  ['URL', (webhook) => shorten(webhook.url, 60)],
  ['EVENTS', (webhook) => webhook.events.join(',')],
];

const DELIVERY_COLUMNS: readonly Column<WebhookDeliveryRow>[] = [
  ['ID', (delivery) => delivery.id],
  ['EVENT', (delivery) => delivery.event],
  ['STATUS', (delivery) => delivery.status],
  ['ATTEMPTS', (delivery) => String(delivery.attempts.length)],
  ['LAST', (delivery) => lastAttempt(delivery)],
  ['NEXT', (delivery) => (delivery.nextAttemptAt ? timeOrNever(delivery.nextAttemptAt) : '-')],
];

function lastAttempt(delivery: WebhookDeliveryRow): string {
  const last = delivery.attempts.at(-1);
  if (!last) return '-';
  return shorten(last.error ?? String(last.statusCode), 40);
}

export function webhookTable(page: Page<WebhookRow>, shown: PageWindow): string {
  return pageTable(page, shown, WEBHOOK_COLUMNS, { list: 'webhooks', one: 'webhook', many: 'webhooks' });
}

export function deliveryTable(page: Page<WebhookDeliveryRow>, shown: PageWindow): string {
  return pageTable(page, shown, DELIVERY_COLUMNS, { list: 'deliveries', one: 'delivery', many: 'deliveries' });
}
