import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to a user or key that can revoke a credential is announced on the channel
 * `keygate_changes` as `{"schema", "kind", "id"}`, by the database itself: whoever makes the change
 * (any instance, a cascade from a tenant delete, an operator's SQL), every instance hears it.
 * `last_used_at` writes are not announced.
 */
export class ChangeNotifications1763900200000 implements MigrationInterface {
  name = 'ChangeNotifications1763900200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION keygate_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('keygate_changes', json_build_object(
          'schema', TG_TABLE_SCHEMA,
          'kind', TG_ARGV[0],
          'id', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)::text);
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER api_keys_notify_change
        AFTER UPDATE OF enabled, expires_at, rights, secret_hash, user_id OR DELETE ON api_keys
        FOR EACH ROW EXECUTE FUNCTION keygate_notify_change('apiKey')`);
    await db.query(`
      CREATE TRIGGER users_notify_change
        AFTER UPDATE OF enabled, authority, tenant_id, customer_id OR DELETE ON users
        FOR EACH ROW EXECUTE FUNCTION keygate_notify_change('user')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER users_notify_change ON users`);
    await db.query(`DROP TRIGGER api_keys_notify_change ON api_keys`);
    await db.query(`DROP FUNCTION keygate_notify_change()`);
  }
}
