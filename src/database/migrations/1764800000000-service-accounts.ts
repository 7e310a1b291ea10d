import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Service accounts, and keys that belong to one. A key's owner is a user or an account: two
 * columns with a foreign key each rather than one id with a type, so that deleting a user, an
 * account or its tenant deletes its keys in the database itself (every existing key keeps its
 * user). The API shows the owner as `ownerType` and `ownerId`. A change to an account that can
 * revoke its keys is announced like a user's.
 */
export class ServiceAccounts1764800000000 implements MigrationInterface {
  name = 'ServiceAccounts1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE service_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(255) NOT NULL,
        description varchar(1000),
        tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE,
        customer_id uuid REFERENCES customers (id) ON DELETE CASCADE,
        enabled boolean NOT NULL DEFAULT true,
        rights text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT service_accounts_customer_in_tenant CHECK (customer_id IS NULL OR tenant_id IS NOT NULL),
        CONSTRAINT service_accounts_rights_present CHECK (cardinality(rights) > 0)
      )`);
    await db.query(`CREATE INDEX service_accounts_tenant_id_idx ON service_accounts (tenant_id)`);
    await db.query(`CREATE INDEX service_accounts_customer_id_idx ON service_accounts (customer_id)`);
    await db.query(`ALTER TABLE api_keys ALTER COLUMN user_id DROP NOT NULL`);
    await db.query(`ALTER TABLE api_keys ADD COLUMN service_account_id uuid REFERENCES service_accounts (id) ON DELETE CASCADE`);
    await db.query(`ALTER TABLE api_keys ADD CONSTRAINT api_keys_one_owner CHECK ((user_id IS NULL) <> (service_account_id IS NULL))`);
    await db.query(`CREATE INDEX api_keys_service_account_id_created_at_idx ON api_keys (service_account_id, created_at)`);
    await db.query(`DROP TRIGGER api_keys_notify_change ON api_keys`);
    await db.query(`
      CREATE TRIGGER api_keys_notify_change
        AFTER UPDATE OF enabled, expires_at, rights, secret_hash, user_id, service_account_id OR DELETE ON api_keys
        FOR EACH ROW EXECUTE FUNCTION keygate_notify_change('apiKey')`);
    await db.query(`
      CREATE TRIGGER service_accounts_notify_change
        AFTER UPDATE OF enabled, rights, tenant_id, customer_id OR DELETE ON service_accounts
        FOR EACH ROW EXECUTE FUNCTION keygate_notify_change('serviceAccount')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM api_keys WHERE service_account_id IS NOT NULL`);
    await db.query(`DROP TRIGGER api_keys_notify_change ON api_keys`);
    await db.query(`
      CREATE TRIGGER api_keys_notify_change
        AFTER UPDATE OF enabled, expires_at, rights, secret_hash, user_id OR DELETE ON api_keys
        FOR EACH ROW EXECUTE FUNCTION keygate_notify_change('apiKey')`);
    await db.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_one_owner`);
    await db.query(`ALTER TABLE api_keys DROP COLUMN service_account_id`);
    await db.query(`ALTER TABLE api_keys ALTER COLUMN user_id SET NOT NULL`);
    await db.query(`DROP TABLE service_accounts`);
  }
}
