import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeys1763900100000 implements MigrationInterface {
  name = 'ApiKeys1763900100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE api_keys (
        id varchar(39) PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        secret_hash bytea NOT NULL,
        description varchar(255) NOT NULL,
        rights text[] NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        expires_at timestamptz,
        last_used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT api_keys_id_format CHECK (id ~ '^[A-Z2-7]{39}$'),
        CONSTRAINT api_keys_rights_present CHECK (cardinality(rights) > 0)
      )`);
    await db.query(`CREATE INDEX api_keys_user_id_created_at_idx ON api_keys (user_id, created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE api_keys`);
  }
}
