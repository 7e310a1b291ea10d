import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit trail of key events. No foreign keys: a record outlives the user or key it names. */
export class AuditEvents1763900300000 implements MigrationInterface {
  name = 'AuditEvents1763900300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_events (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        action varchar(40) NOT NULL,
        actor_user_id uuid,
        actor_api_key_id varchar(39),
        target_user_id uuid,
        tenant_id uuid,
        api_key_id varchar(39),
        client_ip varchar(64),
        count integer NOT NULL DEFAULT 1,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await db.query(`CREATE INDEX audit_events_api_key_idx ON audit_events (api_key_id, occurred_at DESC)`);
    await db.query(`CREATE INDEX audit_events_tenant_idx ON audit_events (tenant_id, occurred_at DESC)`);
    await db.query(`CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_events`);
  }
}
