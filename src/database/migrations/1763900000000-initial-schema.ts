import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(255) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        name varchar(255) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX customers_tenant_id_idx ON customers (tenant_id)`);
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email varchar(255) NOT NULL,
        password_hash varchar(100) NOT NULL,
        authority varchar(20) NOT NULL,
        tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE,
        customer_id uuid REFERENCES customers (id) ON DELETE CASCADE,
        first_name varchar(255),
        last_name varchar(255),
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_email_lower CHECK (email = lower(email)),
        CONSTRAINT users_authority_scope CHECK (
          (authority = 'SYS_ADMIN' AND tenant_id IS NULL AND customer_id IS NULL) OR
          (authority = 'TENANT_ADMIN' AND tenant_id IS NOT NULL AND customer_id IS NULL) OR
          (authority = 'CUSTOMER_USER' AND tenant_id IS NOT NULL AND customer_id IS NOT NULL))
      )`);
    await db.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await db.query(`CREATE INDEX users_tenant_id_idx ON users (tenant_id)`);
    await db.query(`CREATE INDEX users_customer_id_idx ON users (customer_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE users`);
    await db.query(`DROP TABLE customers`);
    await db.query(`DROP TABLE tenants`);
  }
}
