import { parseApiKeyExpiry } from '../api-key-expiry.js';
import { type ApiKeyPage, apiKeyTable } from '../api-key-table.js';
import { UsageError } from '../cli-error.js';
import type { Command, Flag, FlagValues } from '../command.js';
import { RIGHT_FLAGS, selectedRights } from '../right-flags.js';
import { URL_FLAG, openSession } from '../session.js';
import { API_KEY_SORT_PROPERTIES } from '../../src/api-keys/api-key-sort.js';

const GROUP = ['users', 'api-keys'] as const;

const USER_ID: Flag = { name: 'user-id', type: 'string', value: '<id|me>', description: "the key's user: a user id, or me (the default)" };
const API_KEY_ID: Flag = { name: 'api-key-id', type: 'string', value: '<id>', description: "the key's id (the middle part of NNSXS.<id>.<secret>)", required: true };
const NAME: Flag = { name: 'name', type: 'string', value: '<text>', description: 'what the key is for, e.g. "CI deploys"; 1 to 255 characters' };

const SORT_PROPERTIES: readonly string[] = API_KEY_SORT_PROPERTIES;
const SORT_ORDERS = ['ASC', 'DESC'];
const OUTPUTS = ['json', 'table'];
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

function keysPath(values: FlagValues): string {
  const userId = typeof values['user-id'] === 'string' ? values['user-id'] : 'me';
  return `/api/users/${encodeURIComponent(userId)}/api-keys`;
}

function keyPath(values: FlagValues): string {
  const keyId = values['api-key-id'] as string;
  // a whole key in the path would land in proxy and server logs
  if (keyId.startsWith('NNSXS.')) throw new UsageError('--api-key-id takes the key\'s id, the part between the dots, never the whole key');
  return `${keysPath(values)}/${encodeURIComponent(keyId)}`;
}

function printJson(value: unknown, out: (text: string) => void): void {
  out(JSON.stringify(value, null, 2));
}

const createCommand: Command = {
  path: [...GROUP, 'create'],
  summary: 'create an API key; its secret is printed this once',
  flags: [
    { ...NAME, required: true },
    USER_ID,
    { name: 'api-key-expiry', type: 'string', value: '<time>', description: 'when the key stops working, RFC 3339 and in the future (default: never)' },
    ...RIGHT_FLAGS,
    URL_FLAG,
  ],
  rightsNote: 'none given: RIGHT_USER_ALL, every current and future right of the user',
  examples: ['keygate users api-keys create --name "User API Key" --user-id me --right-user-all --api-key-expiry 2027-11-23T00:00:00Z'],
  async run(values, io) {
    const body = {
      description: descriptionOf(values),
      expiresAt: parseApiKeyExpiry(values['api-key-expiry'] as string | undefined),
      rights: selectedRights(values),
    };
    const created = await openSession(values, io).request('POST', keysPath(values), { body });
    printJson(created, io.out);
    io.note('copy the key now: it is shown only this once and cannot be retrieved again');
  },
};

const listCommand: Command = {
  path: [...GROUP, 'list'],
  summary: "list a user's API keys, a page at a time",
  flags: [
    USER_ID,
    { name: 'page', type: 'string', value: '<n>', description: 'page number, from 0 (default: 0)' },
    { name: 'page-size', type: 'string', value: '<n>', description: `keys per page, 1 to ${MAX_PAGE_SIZE} (default: ${DEFAULT_PAGE_SIZE})` },
    { name: 'text-search', type: 'string', value: '<text>', description: 'only keys whose description contains it (any case)' },
    { name: 'sort-property', type: 'string', value: `<${SORT_PROPERTIES.join('|')}>`, description: 'sort by (default: createdAt)' },
    { name: 'sort-order', type: 'string', value: '<ASC|DESC>', description: 'sort direction (default: DESC)' },
    { name: 'output', short: 'o', type: 'string', value: '<json|table>', description: 'json for scripts (default), table for people' },
    URL_FLAG,
  ],
  examples: ['keygate users api-keys list --user-id me --output table', 'keygate users api-keys list --text-search deploy --sort-property expiresAt --sort-order ASC'],
  async run(values, io) {
    const shown = { page: integerFlag(values, 'page', 0, 1_000_000) ?? 0, pageSize: integerFlag(values, 'page-size', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE };
    const sortProperty = choiceFlag(values, 'sort-property', SORT_PROPERTIES);
    const sortOrder = choiceFlag(values, 'sort-order', SORT_ORDERS, (text) => text.toUpperCase());
    const output = choiceFlag(values, 'output', OUTPUTS, (text) => text.toLowerCase()) ?? 'json';
    const query = { ...shown, textSearch: values['text-search'] as string | undefined, sortProperty, sortOrder };
    const page = await openSession(values, io).request<ApiKeyPage>('GET', keysPath(values), { query });
    if (output === 'table') io.out(apiKeyTable(page, shown));
    else printJson(page, io.out);
  },
};

const getCommand: Command = {
  path: [...GROUP, 'get'],
  summary: 'show one API key (never its secret)',
  flags: [USER_ID, API_KEY_ID, URL_FLAG],
  examples: ['keygate users api-keys get --user-id me --api-key-id ZXPW62GWUYNYJIERJDHBIECRJEKYYDMACPPBEUI'],
  async run(values, io) {
    printJson(await openSession(values, io).request('GET', keyPath(values)), io.out);
  },
};

const updateCommand: Command = {
  path: [...GROUP, 'update'],
  summary: 'rename, enable or disable an API key, or change its expiry or rights; what is not given stays',
  flags: [
    USER_ID,
    API_KEY_ID,
    NAME,
    { name: 'enable', type: 'boolean', description: 'let the key work again' },
    { name: 'disable', type: 'boolean', description: 'stop the key at once, without deleting it' },
    { name: 'api-key-expiry', type: 'string', value: '<time|never>', description: 'a new expiry, RFC 3339 and in the future, or never' },
    ...RIGHT_FLAGS,
    URL_FLAG,
  ],
  rightsNote: "the rights given replace the key's rights",
  examples: ['keygate users api-keys update --api-key-id <id> --disable', 'keygate users api-keys update --api-key-id <id> --right-user-info --api-key-expiry never'],
  async run(values, io) {
    const changes = {
      description: descriptionOf(values),
      enabled: enabledFlag(values),
      expiresAt: parseApiKeyExpiry(values['api-key-expiry'] as string | undefined, { allowNever: true }),
      rights: selectedRights(values),
    };
    if (Object.values(changes).every((value) => value === undefined)) {
      throw new UsageError('nothing to change: give --name, --enable, --disable, --api-key-expiry or --right-… flags');
    }
    printJson(await openSession(values, io).request('PATCH', keyPath(values), { body: changes }), io.out);
  },
};

const deleteCommand: Command = {
  path: [...GROUP, 'delete'],
  summary: 'delete an API key; it never works again',
  flags: [USER_ID, API_KEY_ID, URL_FLAG],
  examples: ['keygate users api-keys delete --user-id me --api-key-id ZXPW62GWUYNYJIERJDHBIECRJEKYYDMACPPBEUI'],
  async run(values, io) {
    await openSession(values, io).request('DELETE', keyPath(values));
    io.note(`deleted API key ${values['api-key-id']}`);
  },
};

export const apiKeyCommands: readonly Command[] = [createCommand, listCommand, getCommand, updateCommand, deleteCommand];

/** `--name`, which the server keeps as the key's description. */
function descriptionOf(values: FlagValues): string | undefined {
  const name = values.name as string | undefined;
  if (name !== undefined && !name.trim()) throw new UsageError('--name must not be blank; say what the key is for');
  return name;
}

/** `--enable` → true, `--disable` → false, neither → unchanged. */
function enabledFlag(values: FlagValues): boolean | undefined {
  if (values.enable && values.disable) throw new UsageError('give --enable or --disable, not both');
  if (values.enable) return true;
  return values.disable ? false : undefined;
}

function integerFlag(values: FlagValues, name: string, min: number, max: number): number | undefined {
  const text = values[name];
  if (typeof text !== 'string') return undefined;
  const number = Number(text);
  if (!/^\d+$/.test(text.trim()) || number < min || number > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  return number;
}

function choiceFlag(values: FlagValues, name: string, choices: readonly string[], normalize = (text: string) => text): string | undefined {
  const text = values[name];
  if (typeof text !== 'string') return undefined;
  const choice = choices.find((candidate) => candidate === normalize(text.trim()));
  if (!choice) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, not "${text}"`);
  return choice;
}
