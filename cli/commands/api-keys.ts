import type { Schemas } from '../api-types.js';
import { parseApiKeyExpiry } from '../api-key-expiry.js';
import { parseOverlap } from '../overlap.js';
import { type ApiKeyRow, apiKeyTable } from '../api-key-table.js';
import { UsageError } from '../cli-error.js';
import type { Command, Flag, FlagValues } from '../command.js';
import { assertSomeChange, enabledFlag, nonBlankFlag } from '../flag-values.js';
import { keyRestrictionFlags, keyRestrictions } from '../key-restriction-flags.js';
import { type ListShape, listFlags, printable, printPage } from '../list-flags.js';
import type { Page } from '../page-table.js';
import { selectedRights } from '../right-catalog.js';
import { URL_FLAG, openSession } from '../session.js';
import { API_KEY_SORT_PROPERTIES } from '../../src/api-keys/api-key-sort.js';

/** Whose API keys a group of commands manages, and how the command line names one owner. */
export interface KeyOwner {
  /** The words before `api-keys`, e.g. `['users']`. */
  group: readonly string[];
  /** "a user's", in the summaries. */
  whose: string;
  /** "its user", in what the default rights mean. */
  holder: string;
  /** The flag that names the owner. */
  flag: Flag;
  /** The owner's resource, e.g. `/api/users/me`, from the owner's flag. */
  pathOf(values: FlagValues): string;
  /** The owner's flag as the examples give it, e.g. `--user-id me`. */
  example: string;
  /** The flags after `create` in its example. */
  createExample: string;
  /** The rights such an owner can hold at all (see Command.holdable); absent: all. */
  holdable?: Command['holdable'];
}

const API_KEY_ID: Flag = { name: 'api-key-id', type: 'string', value: '<id>', description: "the key's id (the middle part of NNSXS.<id>.<secret>)", required: true };
const NAME: Flag = { name: 'name', type: 'string', value: '<text>', description: 'what the key is for, e.g. "CI deploys"; 1 to 255 characters' };
const KEY_LIST: ListShape = { many: 'keys', sortProperties: API_KEY_SORT_PROPERTIES, searched: 'description' };
const AN_ID = 'ZXPW62GWUYNYJIERJDHBIECRJEKYYDMACPPBEUI';

/** `create`, `list`, `get`, `update` and `delete` of one kind of owner's keys: the same flags and output for every owner. */
export function apiKeyCommands(owner: KeyOwner): Command[] {
  const words = [...owner.group, 'api-keys'];
  const command = `keygate ${words.join(' ')}`;
  const keysPath = (values: FlagValues) => `${owner.pathOf(values)}/api-keys`;
  const keyPath = (values: FlagValues) => {
    const keyId = values['api-key-id'] as string;
    // a whole key in the path would land in proxy and server logs
    if (keyId.startsWith('NNSXS.')) throw new UsageError("--api-key-id takes the key's id, the part between the dots, never the whole key");
    return `${keysPath(values)}/${encodeURIComponent(keyId)}`;
  };

  const create: Command = {
    path: [...words, 'create'],
    summary: 'create an API key; its secret is printed this once',
    flags: [
      { ...NAME, required: true },
      owner.flag,
      { name: 'api-key-expiry', type: 'string', value: '<time>', description: 'when the key stops working, RFC 3339 and in the future (default: never)' },
      ...keyRestrictionFlags(false),
      URL_FLAG,
    ],
    rightsNote: `none given: the server's default, RIGHT_ALL: all that ${owner.holder} may do, now and later`,
    holdable: owner.holdable,
    examples: [`${command} create ${owner.createExample}`],
    async run(values, io) {
      const session = openSession(values, io);
      const body = {
        description: keyName(values),
        expiresAt: parseApiKeyExpiry(values['api-key-expiry'] as string | undefined),
        rights: await selectedRights(create, values, session),
        ...keyRestrictions(values, false),
      };
      io.out(printable(await session.request('POST', keysPath(values), { body })));
      io.note('copy the key now: it is shown only this once and cannot be retrieved again');
    },
  };

  const list: Command = {
    path: [...words, 'list'],
    summary: `list ${owner.whose} API keys, a page at a time`,
    flags: [owner.flag, ...listFlags(KEY_LIST), URL_FLAG],
    examples: [`${command} list ${owner.example} --output table`, `${command} list ${owner.example} --text-search deploy --sort-property expiresAt --sort-order ASC`],
    async run(values, io) {
      const session = openSession(values, io);
      await printPage(values, io, KEY_LIST, (query) => session.request<Page<ApiKeyRow>>('GET', keysPath(values), { query }), apiKeyTable);
    },
  };

  const get: Command = {
    path: [...words, 'get'],
    summary: 'show one API key (never its secret)',
    flags: [owner.flag, API_KEY_ID, URL_FLAG],
    examples: [`${command} get ${owner.example} --api-key-id ${AN_ID}`],
    async run(values, io) {
      io.out(printable(await openSession(values, io).request('GET', keyPath(values))));
    },
  };

  const update: Command = {
    path: [...words, 'update'],
    summary: 'rename, enable or disable an API key, or change its expiry, rights or restrictions; what is not given stays',
    flags: [
      owner.flag,
      API_KEY_ID,
      NAME,
      { name: 'enable', type: 'boolean', description: 'let the key work again' },
      { name: 'disable', type: 'boolean', description: 'stop the key at once, without deleting it' },
      { name: 'api-key-expiry', type: 'string', value: '<time|never>', description: 'a new expiry, RFC 3339 and in the future, or never' },
      ...keyRestrictionFlags(true),
      URL_FLAG,
    ],
    rightsNote: "the rights given replace the key's rights",
    holdable: owner.holdable,
    examples: [
      `${command} update ${owner.example} --api-key-id <id> --disable`,
      `${command} update ${owner.example} --api-key-id <id> --right-all --api-key-expiry never`,
      `${command} update ${owner.example} --api-key-id <id> --allowed-cidr 203.0.113.0/24 --rate-limit 6/60s --metadata '{"service":"billing"}'`,
    ],
    async run(values, io) {
      const session = openSession(values, io);
      const changes: Schemas['UpdateApiKeyDto'] = {
        description: keyName(values),
        enabled: enabledFlag(values),
        expiresAt: parseApiKeyExpiry(values['api-key-expiry'] as string | undefined, { allowNever: true }),
        rights: await selectedRights(update, values, session),
        ...keyRestrictions(values, true),
      };
      assertSomeChange(changes, '--name, --enable, --disable, --api-key-expiry, --allowed-cidr, --rate-limit, --metadata or --right-… flags');
      io.out(printable(await session.request('PATCH', keyPath(values), { body: changes })));
    },
  };

  const remove: Command = {
    path: [...words, 'delete'],
    summary: 'delete an API key; it never works again',
    flags: [owner.flag, API_KEY_ID, URL_FLAG],
    examples: [`${command} delete ${owner.example} --api-key-id ${AN_ID}`],
    async run(values, io) {
      await openSession(values, io).request('DELETE', keyPath(values));
      io.note(`deleted API key ${values['api-key-id']}`);
    },
  };

  const roll: Command = {
    path: [...words, 'roll'],
    summary: 'roll an API key: a new key (printed this once) with its name, rights, expiry and restrictions; the old one works for the overlap, then expires',
    flags: [
      owner.flag,
      API_KEY_ID,
      { name: 'overlap', type: 'string', value: '<duration>', description: 'how long the old key keeps working: 0 (the default, it stops at once), 30m, 24h, 7d; at most 30d' },
      URL_FLAG,
    ],
    examples: [`${command} roll ${owner.example} --api-key-id ${AN_ID} --overlap 24h`],
    async run(values, io) {
      const body = { overlapSeconds: parseOverlap(values.overlap as string | undefined) };
      io.out(printable(await openSession(values, io).request('POST', `${keyPath(values)}/roll`, { body })));
      io.note('copy the new key now: it is shown only this once and cannot be retrieved again');
    },
  };

  return [create, list, get, update, roll, remove];
}

/** `--name`, which the server keeps as the key's description. */
function keyName(values: FlagValues): string | undefined {
  return nonBlankFlag(values, 'name', 'say what the key is for');
}

/** A user's keys: `--user-id` is a user id or `me`, and `me` when not given. */
export const userApiKeyCommands = apiKeyCommands({
  group: ['users'],
  whose: "a user's",
  holder: 'its user',
  flag: { name: 'user-id', type: 'string', value: '<id|me>', description: "the key's user: a user id, or me (the default)" },
  pathOf: (values) => `/api/users/${encodeURIComponent(typeof values['user-id'] === 'string' ? values['user-id'] : 'me')}`,
  example: '--user-id me',
  createExample: '--name "User API Key" --user-id me --right-user-all --api-key-expiry 2027-11-23T00:00:00Z',
});
