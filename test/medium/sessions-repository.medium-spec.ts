import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, SessionEndReason } from '../../src/auth/login/sessions/session.entity.js';
import { SessionsRepository } from '../../src/auth/login/sessions/sessions.repository.js';
import { openMediumDatabase, type MediumDatabase } from '../support/medium-database.js';

const LATER = () => new Date(Date.now() + 3_600_000);

describe('SessionsRepository and the sessions triggers, on a real database', () => {
  let database: MediumDatabase;
  let db: DataSource;
  let sut: SessionsRepository;

  /** A user written directly: the rules under test are the database's, not the users service's. */
  async function makeUser(enabled = true): Promise<string> {
    const email = `session-${randomBytes(6).toString('hex')}@example.test`;
    const [{ id }] = await db.query(`INSERT INTO users (email, password_hash, authority, enabled) VALUES ($1, 'x', 'SYS_ADMIN', $2) RETURNING id`, [email, enabled]);
    return id;
  }

  const row = (id: string) => db.getRepository(Session).findOneByOrFail({ id });

  beforeAll(async () => {
    database = await openMediumDatabase();
    db = database.db;
    sut = new SessionsRepository(db.getRepository(Session));
  });
  afterAll(() => database?.close());

  it('starts a session for an enabled user only', async () => {
    const session = await sut.start(await makeUser(), LATER());
    expect(session).toMatchObject({ refreshGeneration: 0, endedAt: null, endReason: null });
    expect(await sut.start(await makeUser(false), LATER())).toBeNull();
    expect(await sut.start('00000000-0000-4000-8000-000000000000', LATER())).toBeNull();
  });

  it("prunes a user's sessions whose tokens have all expired when it logs in again, and only those", async () => {
    const userId = await makeUser();
    const expired = (await sut.start(userId, new Date(Date.now() - 1000)))!;
    const current = (await sut.start(userId, LATER()))!;
    await sut.start(userId, LATER());
    expect(await sut.findById(expired.id)).toBeNull();
    expect(await sut.findById(current.id)).not.toBeNull();
  });

  it('advances a live session one generation at a time, only from the current one and for its own user', async () => {
    const userId = await makeUser();
    const { id } = (await sut.start(userId, LATER()))!;
    expect(await sut.advance(id, userId, 0, LATER())).toBe(1);
    expect(await sut.advance(id, userId, 0, LATER())).toBeNull();
    expect(await sut.advance(id, await makeUser(), 1, LATER())).toBeNull();
    expect(await sut.advance(id, userId, 1, LATER())).toBe(2);
    expect(await row(id)).toMatchObject({ refreshGeneration: 2, refreshedAt: expect.any(Date) });
    expect(await sut.advance('not-a-uuid', userId, 2, LATER())).toBeNull();
  });

  it('ends a session once, and an ended one can neither advance nor be live', async () => {
    const userId = await makeUser();
    const { id } = (await sut.start(userId, LATER()))!;
    expect(await sut.isLive(id, userId)).toBe(true);
    expect(await sut.end(id, userId, SessionEndReason.LOGOUT)).toBe(true);
    expect(await sut.end(id, userId, SessionEndReason.LOGOUT)).toBe(false);
    expect(await sut.isLive(id, userId)).toBe(false);
    expect(await sut.advance(id, userId, 0, LATER())).toBeNull();
    expect(await row(id)).toMatchObject({ endedAt: expect.any(Date), endReason: SessionEndReason.LOGOUT });
  });

  it('ends every live session of a user disabled by any UPDATE; enabling it again revives none; deleting it deletes them', async () => {
    const userId = await makeUser();
    const sessions = [(await sut.start(userId, LATER()))!, (await sut.start(userId, LATER()))!];
    await sut.end(sessions[0]!.id, userId, SessionEndReason.LOGOUT);
    await db.query(`UPDATE users SET first_name = 'unchanged enabled' WHERE id = $1`, [userId]);
    expect(await sut.isLive(sessions[1]!.id, userId)).toBe(true);
    await db.query(`UPDATE users SET enabled = false WHERE id = $1`, [userId]);
    await db.query(`UPDATE users SET enabled = true WHERE id = $1`, [userId]);
    expect(await row(sessions[0]!.id)).toMatchObject({ endReason: SessionEndReason.LOGOUT });
    expect(await row(sessions[1]!.id)).toMatchObject({ endedAt: expect.any(Date), endReason: SessionEndReason.USER_DISABLED });
    await db.query(`DELETE FROM users WHERE id = $1`, [userId]);
    expect(await sut.findById(sessions[1]!.id)).toBeNull();
  });

  it.skipIf(!process.env.DATABASE_URL)('a login racing a disabling either waits and finds the user disabled, or is ended by it', async () => {
    const userId = await makeUser();
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL, options: `-c search_path=${database.env.DATABASE_SCHEMA}` });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`UPDATE users SET enabled = false WHERE id = $1`, [userId]);
      const login = sut.start(userId, LATER());
      await new Promise((resolve) => setTimeout(resolve, 200));
      await other.query('COMMIT');
      expect(await login).toBeNull();
    } finally {
      await other.end();
    }
    const [{ live }] = await db.query(`SELECT count(*) FILTER (WHERE ended_at IS NULL)::int AS live FROM sessions WHERE user_id = $1`, [userId]);
    expect(live).toBe(0);
  });
});
