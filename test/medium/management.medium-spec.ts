import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authority } from '../../src/rights/authority.js';
import type { Principal } from '../../src/rights/principal.js';
import { manages } from '../../src/users/management.js';
import { User } from '../../src/users/user.entity.js';
import { UsersRepository } from '../../src/users/users.repository.js';
import { openMediumDatabase, type MediumDatabase } from '../support/medium-database.js';

/** The SQL that lists "users the actor manages" against the one rule it is made from, on a real database. */
describe('UsersRepository lists exactly the users `manages` allows', () => {
  let database: MediumDatabase;
  let db: DataSource;
  let sut: UsersRepository;
  const everyone: User[] = [];

  async function makeUser(authority: Authority, tenantId: string | null, customerId: string | null = null): Promise<User> {
    const email = `mgmt-${randomBytes(6).toString('hex')}@example.test`;
    const user = await db.getRepository(User).save({ email, passwordHash: 'x', authority, tenantId, customerId, enabled: true });
    everyone.push(user);
    return user;
  }

  async function makeTenant(): Promise<{ tenantId: string; customerId: string }> {
    const [{ id: tenantId }] = await db.query(`INSERT INTO tenants (name) VALUES ($1) RETURNING id`, [`t-${randomBytes(4).toString('hex')}`]);
    const [{ id: customerId }] = await db.query(`INSERT INTO customers (name, tenant_id) VALUES ($1, $2) RETURNING id`, [`c-${randomBytes(4).toString('hex')}`, tenantId]);
    return { tenantId, customerId };
  }

  beforeAll(async () => {
    database = await openMediumDatabase();
    db = database.db;
    sut = new UsersRepository(db.getRepository(User));
    await db.query('DELETE FROM users');
    for (let i = 0; i < 2; i++) {
      await makeUser(Authority.SYS_ADMIN, null);
      const { tenantId, customerId } = await makeTenant();
      await makeUser(Authority.TENANT_ADMIN, tenantId);
      await makeUser(Authority.TENANT_ADMIN, tenantId);
      await makeUser(Authority.CUSTOMER_USER, tenantId, customerId);
    }
  });
  afterAll(() => database?.close());

  it('for every kind of actor', async () => {
    expect(everyone.length).toBe(8);
    for (const user of everyone) {
      const actor = { userId: user.id, authority: user.authority, tenantId: user.tenantId } as Principal;
      const [listed] = await sut.findManagedPage(actor, { page: 0, pageSize: 100, sortProperty: 'createdAt', sortOrder: 'ASC' } as never);
      const expected = everyone.filter((target) => manages(actor, target)).map((u) => u.id).sort();
      expect(listed.map((u) => u.id).sort(), `${user.authority} ${user.email}`).toEqual(expected);
      expect(expected).toContain(user.id);
    }
  });
});
