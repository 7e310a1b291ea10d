import { UsageError } from '../cli-error.js';
import type { Command, Flag, FlagValues } from '../command.js';
import { choiceFlag } from '../flag-values.js';
import { type ListShape, listFlags, printable, printPage } from '../list-flags.js';
import type { Page } from '../page-table.js';
import { type WebhookDeliveryRow, type WebhookRow, deliveryTable, webhookTable } from '../webhook-table.js';
import { URL_FLAG, openSession, parseServerUrl } from '../session.js';
import { WEBHOOK_EVENT_TYPES } from '../../src/webhooks/webhook-event.js';

const GROUP = ['webhooks'] as const;
const COLLECTION = '/api/webhooks';
const AN_ID = '5f0c6d2e-8a4b-4c1e-9d3f-2b7a1e6c9f40';

const WEBHOOK_ID: Flag = { name: 'webhook-id', type: 'string', value: '<id>', description: "the webhook's id", required: true };
const WEBHOOK_LIST: ListShape = { many: 'webhooks', sortProperties: ['createdAt'], searched: 'URL' };
const DELIVERY_LIST: ListShape = { many: 'deliveries', sortProperties: ['createdAt'], searched: 'payload' };
const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'];

const webhookPath = (values: FlagValues) => `${COLLECTION}/${encodeURIComponent(values['webhook-id'] as string)}`;

const createCommand: Command = {
  path: [...GROUP, 'create'],
  summary: 'create a webhook: signed POSTs of key events to a URL; prints it with its signing secret, shown only now',
  flags: [
    { name: 'url', type: 'string', value: '<url>', description: 'where events are POSTed: http(s), a public address', required: true },
    { name: 'event', type: 'string', multiple: true, value: `<${WEBHOOK_EVENT_TYPES.join('|')}>`, description: 'an event to send; give one --event per event', required: true },
    { name: 'secret', type: 'string', value: '<text>', description: 'the signing secret, 16 to 255 characters (default: generated)' },
    { name: 'tenant-id', type: 'string', value: '<id>', description: "a system administrator's webhook for this tenant (default: a tenant administrator's own tenant; none: every tenant)" },
    // --url is the receiver's here, as the server's API names it: the server is --server
    { ...URL_FLAG, name: 'server' },
  ],
  examples: [
    'keygate webhooks create --url https://hooks.example.com/keygate --event API_KEY_CREATED --event API_KEY_EXPIRING',
    'keygate webhooks create --url https://hooks.example.com/keygate --event API_KEY_LEAK_REPORTED --secret "$WEBHOOK_SECRET"',
  ],
  async run(values, io) {
    const events = [...new Set((values.event as string[]).map((event) => event.trim().toUpperCase()))];
    const unknown = events.filter((event) => !(WEBHOOK_EVENT_TYPES as string[]).includes(event));
    if (unknown.length) throw new UsageError(`unknown --event ${unknown.join(', ')}: one of ${WEBHOOK_EVENT_TYPES.join(', ')}`);
    // checked under its own name: the session would call a bad value --url
    if (typeof values.server === 'string') parseServerUrl(values.server, '--server');
    const session = openSession({ ...values, url: values.server }, io);
    const body = { url: values.url as string, events, secret: values.secret as string | undefined, tenantId: values['tenant-id'] as string | undefined };
    io.out(printable(await session.request('POST', COLLECTION, { body })));
    io.note('copy the secret now: it is shown only this once and cannot be retrieved again');
  },
};

const listCommand: Command = {
  path: [...GROUP, 'list'],
  summary: 'list the webhooks you manage, a page at a time (never their secrets)',
  flags: [...listFlags(WEBHOOK_LIST), URL_FLAG],
  examples: ['keygate webhooks list --output table'],
  async run(values, io) {
    const session = openSession(values, io);
    await printPage(values, io, WEBHOOK_LIST, (query) => session.request<Page<WebhookRow>>('GET', COLLECTION, { query }), webhookTable);
  },
};

const deleteCommand: Command = {
  path: [...GROUP, 'delete'],
  summary: 'delete a webhook and its deliveries, pending ones included',
  flags: [WEBHOOK_ID, URL_FLAG],
  examples: [`keygate webhooks delete --webhook-id ${AN_ID}`],
  async run(values, io) {
    await openSession(values, io).request('DELETE', webhookPath(values));
    io.note(`deleted webhook ${values['webhook-id']}`);
  },
};

const deliveriesCommand: Command = {
  path: [...GROUP, 'deliveries'],
  summary: "a webhook's deliveries, newest first: each event, its status, its attempts and the next one",
  flags: [
    WEBHOOK_ID,
    { name: 'status', type: 'string', value: `<${DELIVERY_STATUSES.join('|')}>`, description: 'only deliveries in this state' },
    ...listFlags(DELIVERY_LIST),
    URL_FLAG,
  ],
  examples: [`keygate webhooks deliveries --webhook-id ${AN_ID} --status PENDING --output table`],
  async run(values, io) {
    const status = choiceFlag(values, 'status', DELIVERY_STATUSES, (text) => text.toUpperCase());
    const session = openSession(values, io);
    await printPage(values, io, DELIVERY_LIST, (query) => session.request<Page<WebhookDeliveryRow>>('GET', `${webhookPath(values)}/deliveries`, { query: { ...query, status } }), deliveryTable);
  },
};

export const webhookCommands: readonly Command[] = [createCommand, listCommand, deleteCommand, deliveriesCommand];
