/** What a webhook can subscribe to: the key lifecycle's events, and the expiry warnings. */
export enum WebhookEventType {
  API_KEY_CREATED = 'API_KEY_CREATED',
  API_KEY_UPDATED = 'API_KEY_UPDATED',
  API_KEY_DISABLED = 'API_KEY_DISABLED',
  API_KEY_DELETED = 'API_KEY_DELETED',
  API_KEY_ROLLED = 'API_KEY_ROLLED',
  API_KEY_LEAK_REPORTED = 'API_KEY_LEAK_REPORTED',
  /** 30, 7 and 1 days before a key expires (`data.threshold`). */
  API_KEY_EXPIRING = 'API_KEY_EXPIRING',
}

export const WEBHOOK_EVENT_TYPES = Object.values(WebhookEventType);

/** Days before expiry at which a key's webhooks are warned, nearest last. */
export const EXPIRY_THRESHOLDS_DAYS = [30, 7, 1] as const;

/** A key as a webhook sees it: never its secret or hash. */
export interface WebhookKey {
  id: string;
  description?: string;
  owner: { type: 'user' | 'serviceAccount'; id: string; tenantId: string | null; customerId: string | null };
  rights?: string[];
  enabled?: boolean;
  expiresAt?: Date | null;
  createdAt?: Date;
  rolledFromId?: string | null;
}

/** The JSON a subscriber receives. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  data: { key: WebhookKey; threshold?: number } & Record<string, unknown>;
}
