import { Injectable } from '@nestjs/common';
import { ChangeFeed } from '../../../database/change-feed.js';
import type { Session } from './session.entity.js';
import { SessionEndReason } from './session.entity.js';
import { SessionsRepository } from './sessions.repository.js';

/** What presenting a refresh token of a session did. */
export type RefreshOutcome =
  | { kind: 'refreshed'; generation: number }
  /** Ended before (logout, reuse, user disabled or deleted), or expired and pruned. */
  | { kind: 'ended' }
  /** The token was of an older generation: someone used it already, so the session is ended now. */
  | { kind: 'reused' };

/**
 * The rules of sessions: one per login, its refresh token exchangeable once, ended for good. Every
 * end is followed by a user change on the ChangeFeed (other instances hear it from the database),
 * so the tokens of the session that memory still vouches for are read again, and refused.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly changes: ChangeFeed,
  ) {}

  /** A session for a user enabled at this very moment; null when it no longer is (disabled or deleted meanwhile). */
  start(userId: string, expiresAt: Date): Promise<Session | null> {
    return this.sessions.start(userId, expiresAt);
  }

  isLive(id: string, userId: string): Promise<boolean> {
    return this.sessions.isLive(id, userId);
  }

  /** Exchanges the refresh token of `generation` for the next generation, once. */
  async refresh(id: string, userId: string, generation: number, expiresAt: Date): Promise<RefreshOutcome> {
    const next = await this.sessions.advance(id, userId, generation, expiresAt);
    if (next !== null) return { kind: 'refreshed', generation: next };
    const session = await this.sessions.findById(id);
    if (!session || session.userId !== userId || session.endedAt || session.refreshGeneration === generation) return { kind: 'ended' };
    // a live session at another generation: an older refresh token came back, from a thief or a replay
    return (await this.end(id, userId, SessionEndReason.REFRESH_TOKEN_REUSED)) ? { kind: 'reused' } : { kind: 'ended' };
  }

  /** Ends a live session; whether it was live. */
  async end(id: string, userId: string, reason: SessionEndReason): Promise<boolean> {
    const ended = await this.sessions.end(id, userId, reason);
    // after the write has committed: a token read again from the database finds its session ended
    if (ended) this.changes.publish({ kind: 'session', id });
    return ended;
  }
}
