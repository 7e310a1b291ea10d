import type { Schemas } from '../api-types.js';
import { UsageError } from '../cli-error.js';
import { type Command, type Flag, type FlagValues, helpHint } from '../command.js';
import { assertSomeChange, enabledFlag, nonBlankFlag } from '../flag-values.js';
import { type ListShape, listFlags, printable, printPage } from '../list-flags.js';
import type { Page } from '../page-table.js';
import { accountCanHold, selectedRights } from '../right-catalog.js';
import { type ServiceAccountRow, serviceAccountTable } from '../service-account-table.js';
import { URL_FLAG, openSession } from '../session.js';
import { apiKeyCommands } from './api-keys.js';

const GROUP = ['service-accounts'] as const;
const COLLECTION = '/api/service-accounts';

const SERVICE_ACCOUNT_ID: Flag = { name: 'service-account-id', type: 'string', value: '<id>', description: "the service account's id", required: true };
const NAME: Flag = { name: 'name', type: 'string', value: '<text>', description: 'what the account is, e.g. "Telemetry ingest"; 1 to 255 characters' };
const DESCRIPTION: Flag = { name: 'description', type: 'string', value: '<text>', description: 'a longer note on what the account is for; "" removes it' };
const ACCOUNT_LIST: ListShape = { many: 'service accounts', sortProperties: ['createdAt', 'name'], searched: 'name' };
const AN_ID = '5f0c6d2e-8a4b-4c1e-9d3f-2b7a1e6c9f40';

const accountPath = (values: FlagValues) => `${COLLECTION}/${encodeURIComponent(values['service-account-id'] as string)}`;

const createCommand: Command = {
  path: [...GROUP, 'create'],
  summary: 'create a service account: keys for a backend, a device fleet or an integration, belonging to no person',
  flags: [
    { ...NAME, required: true },
    DESCRIPTION,
    { name: 'tenant-id', type: 'string', value: '<id>', description: "the account's tenant (default: a tenant administrator's own; none: a system-level account)" },
    { name: 'customer-id', type: 'string', value: '<id>', description: "a customer of the tenant, for a customer's account" },
    URL_FLAG,
  ],
  rightsNote: "one or more; of keygate's own rights only RIGHT_ALL, RIGHT_KEYS_VERIFY and, at system level, RIGHT_METRICS_READ",
  holdable: accountCanHold,
  examples: [
    'keygate service-accounts create --name "Telemetry ingest" --right-telemetry-read',
    'keygate service-accounts create --name "Gateway" --description "verifies keys for the platform" --right-keys-verify',
  ],
  async run(values, io) {
    const session = openSession(values, io);
    const rights = await selectedRights(createCommand, values, session);
    if (!rights) throw new UsageError(`a service account needs rights: give one or more --right-… flags; ${helpHint(createCommand.path)} to list them`);
    const body = {
      name: accountName(values),
      description: descriptionFlag(values),
      tenantId: values['tenant-id'] as string | undefined,
      customerId: values['customer-id'] as string | undefined,
      rights,
    };
    io.out(printable(await session.request('POST', COLLECTION, { body })));
  },
};

const listCommand: Command = {
  path: [...GROUP, 'list'],
  summary: 'list the service accounts you manage, a page at a time',
  flags: [...listFlags(ACCOUNT_LIST), URL_FLAG],
  examples: ['keygate service-accounts list --output table', 'keygate service-accounts list --text-search ingest --sort-property name --sort-order ASC'],
  async run(values, io) {
    const session = openSession(values, io);
    await printPage(values, io, ACCOUNT_LIST, (query) => session.request<Page<ServiceAccountRow>>('GET', COLLECTION, { query }), serviceAccountTable);
  },
};

const getCommand: Command = {
  path: [...GROUP, 'get'],
  summary: 'show one service account',
  flags: [SERVICE_ACCOUNT_ID, URL_FLAG],
  examples: [`keygate service-accounts get --service-account-id ${AN_ID}`],
  async run(values, io) {
    io.out(printable(await openSession(values, io).request('GET', accountPath(values))));
  },
};

const updateCommand: Command = {
  path: [...GROUP, 'update'],
  summary: 'rename, describe, enable or disable a service account, or change its rights; what is not given stays',
  flags: [
    SERVICE_ACCOUNT_ID,
    NAME,
    DESCRIPTION,
    { name: 'enable', type: 'boolean', description: "let the account's keys work again" },
    { name: 'disable', type: 'boolean', description: 'stop all of its keys at once, without deleting anything' },
    URL_FLAG,
  ],
  rightsNote: "the rights given replace the account's rights",
  holdable: accountCanHold,
  examples: [`keygate service-accounts update --service-account-id ${AN_ID} --disable`, `keygate service-accounts update --service-account-id ${AN_ID} --right-telemetry-read --right-devices-read`],
  async run(values, io) {
    const session = openSession(values, io);
    const changes: Schemas['UpdateServiceAccountDto'] = {
      name: accountName(values),
      description: descriptionFlag(values),
      enabled: enabledFlag(values),
      rights: await selectedRights(updateCommand, values, session),
    };
    assertSomeChange(changes, '--name, --description, --enable, --disable or --right-… flags');
    io.out(printable(await session.request('PATCH', accountPath(values), { body: changes })));
  },
};

const deleteCommand: Command = {
  path: [...GROUP, 'delete'],
  summary: 'delete a service account and its API keys; they never work again',
  flags: [SERVICE_ACCOUNT_ID, URL_FLAG],
  examples: [`keygate service-accounts delete --service-account-id ${AN_ID}`],
  async run(values, io) {
    await openSession(values, io).request('DELETE', accountPath(values));
    io.note(`deleted service account ${values['service-account-id']}`);
  },
};

function accountName(values: FlagValues): string | undefined {
  return nonBlankFlag(values, 'name', 'say what the account is');
}

/** `--description ""` removes the description, which the server keeps as null. */
function descriptionFlag(values: FlagValues): string | null | undefined {
  const description = values.description as string | undefined;
  return description === undefined || description.trim() ? description : null;
}

export const serviceAccountCommands: readonly Command[] = [
  createCommand,
  listCommand,
  getCommand,
  updateCommand,
  deleteCommand,
  ...apiKeyCommands({
    group: GROUP,
    whose: "a service account's",
    holder: 'its service account',
    flag: SERVICE_ACCOUNT_ID,
    pathOf: accountPath,
    example: `--service-account-id ${AN_ID}`,
    createExample: `--service-account-id ${AN_ID} --name "Ingest on gateway 7" --api-key-expiry 2027-11-23T00:00:00Z`,
    holdable: accountCanHold,
  }),
];
