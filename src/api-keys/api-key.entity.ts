import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'api_keys' })
export class ApiKey {
  /** The key's public id: the middle part of `NNSXS.<id>.<secret>`. */
  @PrimaryColumn({ type: 'varchar', length: 39 })
  id: string;

  /** The owner: a user, or else a service account (exactly one of the two is set). */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ name: 'service_account_id', type: 'uuid', nullable: true })
  serviceAccountId: string | null;

  /** HMAC-SHA256 of the secret under the server's key-hashing secret; never the secret. */
  @Column({ name: 'secret_hash', type: 'bytea' })
  secretHash: Buffer;

  @Column({ type: 'varchar', length: 255 })
  description: string;

  @Column({ type: 'text', array: true })
  rights: string[];

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  /** The key this one was rolled from, if it was. */
  @Column({ name: 'rolled_from_id', type: 'varchar', length: 39, nullable: true })
  rolledFromId: string | null;

  /** The addresses (CIDRs) the key may be used from; null: any. */
  @Column({ name: 'allowed_cidrs', type: 'text', array: true, nullable: true })
  allowedCidrs: string[] | null;

  /** Uses allowed per window, counted for the whole cluster; null (with the window): no limit. */
  @Column({ name: 'rate_limit', type: 'integer', nullable: true })
  rateLimit: number | null;

  @Column({ name: 'rate_limit_window_seconds', type: 'integer', nullable: true })
  rateLimitWindowSeconds: number | null;

  /** The owner's JSON object, handed back by verify; null: none. */
  @Column({ type: 'jsonb', nullable: true })
  metadata: Record<string, unknown> | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
