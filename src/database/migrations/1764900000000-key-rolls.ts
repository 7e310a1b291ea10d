import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A key made by rolling another names it (`rolledFromId`); the old key may be gone since, so no foreign key. */
export class KeyRolls1764900000000 implements MigrationInterface {
  name = 'KeyRolls1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE api_keys ADD COLUMN rolled_from_id varchar(39)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE api_keys DROP COLUMN rolled_from_id`);
  }
}
