import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDelivery } from '../../src/webhooks/webhook-delivery.entity.js';
import { Webhook } from '../../src/webhooks/webhook.entity.js';
import { WebhooksRepository } from '../../src/webhooks/webhooks.repository.js';
import { openMediumDatabase, type MediumDatabase } from '../support/medium-database.js';

describe('webhook deliveries as a job table (FOR UPDATE SKIP LOCKED)', () => {
  let database: MediumDatabase;
  let sut: WebhooksRepository;

  beforeAll(async () => {
    database = await openMediumDatabase();
    const { db } = database;
    sut = new WebhooksRepository(db.getRepository(Webhook), db.getRepository(WebhookDelivery), db);
  });
  afterAll(() => database?.close());

  it('hands each due delivery to one claimer only, however many claim at once, and none while leased', async () => {
    const webhook = await sut.insert({ tenantId: null, url: 'http://receiver.test/hook', events: ['API_KEY_CREATED'], secret: 'secret-0123456789abcdef' });
    await sut.enqueue(Array.from({ length: 30 }, () => ({ id: randomUUID(), type: 'API_KEY_CREATED', tenantId: null, body: '{}' })));
    // an event nobody subscribed to queues nothing
    await sut.enqueue([{ id: randomUUID(), type: 'API_KEY_DELETED', tenantId: null, body: '{}' }]);

    const claims = await Promise.all([sut.claimDue(12, 60), sut.claimDue(12, 60), sut.claimDue(12, 60)]);
    const ids = claims.flat().map((claimed) => claimed.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect(claims.flat().every((claimed) => claimed.url === webhook.url && claimed.secret === webhook.secret && claimed.attemptCount === 0)).toBe(true);
    expect(await sut.claimDue(10, 60)).toEqual([]);
  });

  it('records attempts: a failure is due again when said, a success is done', async () => {
    await sut.insert({ tenantId: null, url: 'http://other.test/hook', events: ['API_KEY_ROLLED'], secret: 'secret-0123456789abcdef' });
    await sut.enqueue([{ id: randomUUID(), type: 'API_KEY_ROLLED', tenantId: null, body: '{"a":1}' }]);
    const [first] = await sut.claimDue(10, 60);
    expect(first).toMatchObject({ eventType: 'API_KEY_ROLLED', body: '{"a":1}' });
    await sut.recordAttempt(first!.id, { at: new Date().toISOString(), statusCode: 500, error: 'the receiver answered 500', durationMs: 3 }, 'PENDING', new Date(Date.now() - 1000));
    const [again] = await sut.claimDue(10, 60);
    expect(again).toMatchObject({ id: first!.id, attemptCount: 1 });
    await sut.recordAttempt(again!.id, { at: new Date().toISOString(), statusCode: 204, error: null, durationMs: 2 }, 'DELIVERED', null);
    const [row] = await database.db.query('SELECT status, next_attempt_at, attempts FROM webhook_deliveries WHERE id = $1', [first!.id]);
    expect(row).toMatchObject({ status: 'DELIVERED', next_attempt_at: null, attempts: [{ statusCode: 500 }, { statusCode: 204, error: null }] });
    expect(await sut.claimDue(10, 60)).toEqual([]);
  });
});
