import { describe, expect, it, vi } from 'vitest';
import { ChangeFeed, type Change } from '../../../database/change-feed.js';
import { SessionEndReason, type Session } from './session.entity.js';
import type { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';
import { double } from '../../../../test/support/doubles.js';

const SID = '11111111-1111-4111-8111-111111111111';
const USER = '22222222-2222-4222-8222-222222222222';
const LATER = new Date(Date.now() + 60_000);

function makeSession(fields: Partial<Session> = {}): Session {
  return { id: SID, userId: USER, refreshGeneration: 1, createdAt: new Date(), refreshedAt: null, expiresAt: LATER, endedAt: null, endReason: null, ...fields };
}

/** A service over a repository whose answers are given; the changes it publishes, and when, are recorded. */
function makeService(repository: Partial<Record<keyof SessionsRepository, unknown>>) {
  const feed = new ChangeFeed();
  const order: string[] = [];
  const published: Change[] = [];
  feed.subscribe((change) => {
    order.push('publish');
    published.push(change);
  });
  const end = vi.fn(async () => {
    order.push('write');
    return (repository.end as (() => boolean) | undefined)?.() ?? true;
  });
  const sut = new SessionsService(double<SessionsRepository>('sessions', { ...repository, end } as Partial<SessionsRepository>), feed);
  return { sut, end, order, published };
}

describe('SessionsService', () => {
  it('announces the end of a session as a change of that session, after writing it', async () => {
    const { sut, order, published } = makeService({});
    expect(await sut.end(SID, USER, SessionEndReason.LOGOUT)).toBe(true);
    expect(order).toEqual(['write', 'publish']);
    expect(published).toEqual([{ kind: 'session', id: SID }]);
  });

  it('announces nothing when the session had ended already', async () => {
    const { sut, published } = makeService({ end: () => false });
    expect(await sut.end(SID, USER, SessionEndReason.LOGOUT)).toBe(false);
    expect(published).toEqual([]);
  });

  it('hands out the next generation when the current refresh token is presented', async () => {
    const { sut, end } = makeService({ advance: async () => 2 });
    expect(await sut.refresh(SID, USER, 1, LATER)).toEqual({ kind: 'refreshed', generation: 2 });
    expect(end).not.toHaveBeenCalled();
  });

  it('ends a live session whose older refresh token comes back, and says so', async () => {
    const { sut, end, published } = makeService({ advance: async () => null, findById: async () => makeSession({ refreshGeneration: 2 }) });
    expect(await sut.refresh(SID, USER, 1, LATER)).toEqual({ kind: 'reused' });
    expect(end).toHaveBeenCalledWith(SID, USER, SessionEndReason.REFRESH_TOKEN_REUSED);
    expect(published).toEqual([{ kind: 'session', id: SID }]);
  });

  it.each([
    ['gone', null],
    ['ended', makeSession({ endedAt: new Date(), endReason: SessionEndReason.LOGOUT })],
    ["another user's", makeSession({ userId: '33333333-3333-4333-8333-333333333333' })],
    ['at this generation but its user disabled', makeSession({ refreshGeneration: 1 })],
  ])('refuses a refresh token of a session %s, without ending anything', async (_name, found) => {
    const { sut, end } = makeService({ advance: async () => null, findById: async () => found });
    expect(await sut.refresh(SID, USER, 1, LATER)).toEqual({ kind: 'ended' });
    expect(end).not.toHaveBeenCalled();
  });
});
