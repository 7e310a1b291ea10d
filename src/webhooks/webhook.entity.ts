import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Where a tenant's (or, without a tenant, every tenant's) key events are POSTed. */
@Entity({ name: 'webhooks' })
export class Webhook {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Null: a system-wide webhook, which hears every tenant's keys and the system level's. */
  @Column({ name: 'tenant_id', type: 'uuid', nullable: true })
  tenantId: string | null;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  @Column({ type: 'text', array: true })
  events: string[];

  /** The signing secret: kept as given, since every delivery is signed with it; shown only when created. */
  @Column({ type: 'varchar', length: 255 })
  secret: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
