import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { isUuid } from '../../../common/ids.js';
import { Session, type SessionEndReason } from './session.entity.js';

/** Sessions, each written in one conditional statement: never a read-modify-save that could revive one ended meanwhile. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(Session) private readonly sessions: Repository<Session>) {}

  /**
   * A new session, only if the user exists and is enabled as the row is written; null otherwise.
   * The user's row is share-locked meanwhile, so a disabling either waits for this session and then
   * ends it, or commits first and this finds the user disabled: a login racing it cannot leave a
   * session behind. The user's sessions whose tokens have all expired are pruned on the way.
   */
  async start(userId: string, expiresAt: Date): Promise<Session | null> {
    await this.sessions.createQueryBuilder().delete().from(Session).where('user_id = :userId AND expires_at < now()', { userId }).execute();
    const rows = (await this.sessions.query(
      `INSERT INTO sessions (user_id, expires_at) SELECT id, $2 FROM users WHERE id = $1 AND enabled FOR SHARE RETURNING id`,
      [userId, expiresAt.toISOString()],
    )) as Array<{ id: string }>;
    return rows.length ? this.sessions.findOneBy({ id: rows[0]!.id }) : null;
  }

  /** An id that is not a UUID names no session. */
  findById(id: string): Promise<Session | null> {
    return isUuid(id) ? this.sessions.findOneBy({ id }) : Promise.resolve(null);
  }

  isLive(id: string, userId: string): Promise<boolean> {
    return isUuid(id) ? this.sessions.existsBy({ id, userId, endedAt: IsNull() }) : Promise.resolve(false);
  }

  /**
   * Moves a live session of an enabled user from `generation` to the next; the new generation, or
   * null when the session is not live at that generation (ended, another generation, user disabled).
   */
  async advance(id: string, userId: string, generation: number, expiresAt: Date): Promise<number | null> {
    if (!isUuid(id)) return null;
    const result = await this.sessions
      .createQueryBuilder()
      .update(Session)
      .set({ refreshGeneration: () => 'refresh_generation + 1', refreshedAt: () => 'now()', expiresAt })
      .where('id = :id AND user_id = :userId AND refresh_generation = :generation AND ended_at IS NULL', { id, userId, generation })
      .andWhere('EXISTS (SELECT 1 FROM users u WHERE u.id = :userId AND u.enabled)')
      .returning('refresh_generation')
      .execute();
    const rows = result.raw as Array<{ refresh_generation: number }>;
    return rows.length ? rows[0]!.refresh_generation : null;
  }

  /** Ends a live session; whether it was live. */
  async end(id: string, userId: string, reason: SessionEndReason): Promise<boolean> {
    if (!isUuid(id)) return false;
    // marked, not deleted: the row says when and why it ended until its tokens expire and it is pruned
    const result = await this.sessions
      .createQueryBuilder()
      .update(Session)
      .set({ endedAt: () => 'now()', endReason: reason })
      .where('id = :id AND user_id = :userId AND ended_at IS NULL', { id, userId })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
