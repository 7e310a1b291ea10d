import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/** One try at POSTing a delivery. */
export interface DeliveryAttempt {
  at: string;
  /** The receiver's status; null when it never answered. */
  statusCode: number | null;
  /** Why the attempt failed (a timeout, a closed connection, a refused address, a non-2xx status); null when it succeeded. */
  error: string | null;
  durationMs: number;
}

/** One event for one webhook: a job row, sent until the receiver answers 2xx or 24 hours pass. */
@Entity({ name: 'webhook_deliveries' })
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'webhook_id', type: 'uuid' })
  webhookId: string;

  /** The event's id, the same in every webhook's delivery of it (the payload's `id`). */
  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'event_type', type: 'varchar', length: 40 })
  eventType: string;

  /** The JSON body, exactly as every attempt sends and signs it. */
  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'varchar', length: 10 })
  status: DeliveryStatus;

  @Column({ type: 'jsonb' })
  attempts: DeliveryAttempt[];

  /** When the next attempt is due; null once delivered or failed. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
