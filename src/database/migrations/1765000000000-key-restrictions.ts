import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Restrictions on a key and what its owner attaches to it: the addresses it may be used from, one
 * rate limit for the whole cluster, and a JSON object handed back by verify. Null: none. A change
 * to any of them notifies every instance, like a change to the key's rights.
 */
export class KeyRestrictions1765000000000 implements MigrationInterface {
  name = 'KeyRestrictions1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE api_keys ADD COLUMN allowed_cidrs text[]`);
    await db.query(`ALTER TABLE api_keys ADD COLUMN rate_limit integer`);
    await db.query(`ALTER TABLE api_keys ADD COLUMN rate_limit_window_seconds integer`);
    await db.query(`ALTER TABLE api_keys ADD COLUMN metadata jsonb`);
    await db.query(
      `ALTER TABLE api_keys ADD CONSTRAINT api_keys_rate_limit_whole CHECK ((rate_limit IS NULL) = (rate_limit_window_seconds IS NULL))`,
    );
    await notifyOnUpdateOf(db, 'enabled, expires_at, rights, secret_hash, user_id, service_account_id, allowed_cidrs, rate_limit, rate_limit_window_seconds, metadata');
  }

  async down(db: QueryRunner): Promise<void> {
    await notifyOnUpdateOf(db, 'enabled, expires_at, rights, secret_hash, user_id, service_account_id');
    await db.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_rate_limit_whole`);
    await db.query(`ALTER TABLE api_keys DROP COLUMN metadata`);
    await db.query(`ALTER TABLE api_keys DROP COLUMN rate_limit_window_seconds`);
    await db.query(`ALTER TABLE api_keys DROP COLUMN rate_limit`);
    await db.query(`ALTER TABLE api_keys DROP COLUMN allowed_cidrs`);
  }
}

async function notifyOnUpdateOf(db: QueryRunner, columns: string): Promise<void> {
  await db.query(`DROP TRIGGER api_keys_notify_change ON api_keys`);
  await db.query(`
    CREATE TRIGGER api_keys_notify_change
      AFTER UPDATE OF ${columns} OR DELETE ON api_keys
      FOR EACH ROW EXECUTE FUNCTION keygate_notify_change('apiKey')`);
}
