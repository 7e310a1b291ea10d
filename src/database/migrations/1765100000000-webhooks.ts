import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks and their deliveries. A delivery is a job row: an instance claims due rows with
 * `FOR UPDATE SKIP LOCKED` and moves their next attempt past its sending time (a lease), so two
 * instances never send the same one and a crash mid-send only delays it. Its body is stored as sent,
 * so that every attempt signs the same bytes. `key_expiry_warnings` makes "one warning per key,
 * threshold and expiry" the database's promise, however many instances scan. A tenant's webhooks
 * and their deliveries go with the tenant; a key's warnings with the key.
 */
export class Webhooks1765100000000 implements MigrationInterface {
  name = 'Webhooks1765100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE,
        url varchar(2048) NOT NULL,
        events text[] NOT NULL,
        secret varchar(255) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhooks_events_present CHECK (cardinality(events) > 0)
      )`);
    await db.query(`CREATE INDEX webhooks_tenant_id_idx ON webhooks (tenant_id)`);
    await db.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        event_id uuid NOT NULL,
        event_type varchar(40) NOT NULL,
        body text NOT NULL,
        status varchar(10) NOT NULL DEFAULT 'PENDING',
        attempts jsonb NOT NULL DEFAULT '[]',
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_deliveries_status CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
        CONSTRAINT webhook_deliveries_pending_scheduled CHECK ((status = 'PENDING') = (next_attempt_at IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING'`);
    await db.query(`CREATE INDEX webhook_deliveries_webhook_id_created_at_idx ON webhook_deliveries (webhook_id, created_at)`);
    await db.query(`
      CREATE TABLE key_expiry_warnings (
        api_key_id varchar(39) NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
        threshold_days integer NOT NULL,
        expires_at timestamptz NOT NULL,
        warned_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (api_key_id, threshold_days, expires_at)
      )`);
    // the expiry scan reads keys by expiry, and leaves out those rolled into another
    await db.query(`CREATE INDEX api_keys_expires_at_idx ON api_keys (expires_at) WHERE expires_at IS NOT NULL`);
    await db.query(`CREATE INDEX api_keys_rolled_from_id_idx ON api_keys (rolled_from_id) WHERE rolled_from_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX api_keys_rolled_from_id_idx`);
    await db.query(`DROP INDEX api_keys_expires_at_idx`);
    await db.query(`DROP TABLE key_expiry_warnings`);
    await db.query(`DROP TABLE webhook_deliveries`);
    await db.query(`DROP TABLE webhooks`);
  }
}
