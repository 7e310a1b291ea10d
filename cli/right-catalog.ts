import type { Schemas } from './api-types.js';
import { UsageError } from './cli-error.js';
import { type Command, type Flag, type FlagValues, helpHint, isRightFlag } from './command.js';
import type { KeygateClient } from './keygate-client.js';

/**
 * A right as `GET /api/rights` describes it: keygate's own, or one the platform's access policy names;
 * `members` only on pseudo-rights (RIGHT_ALL, RIGHT_USER_ALL, a policy's groups).
 */
export type CatalogRight = Schemas['RightDescriptionDto'];

/** `RIGHT_USER_SETTINGS_API_KEYS` → `right-user-settings-api-keys`, as ttn-lw-cli names its right flags. */
export function rightFlagName(right: string): string {
  return right.toLowerCase().replaceAll('_', '-');
}

/** The server's catalog, read at each use: the access policy may name other rights tomorrow. */
export function readRightCatalog(client: KeygateClient): Promise<CatalogRight[]> {
  return client.request<CatalogRight[]>('GET', '/api/rights');
}

/** One boolean flag per right in the catalog, each explained by the server's description. */
export function rightFlags(catalog: readonly CatalogRight[]): Flag[] {
  return catalog.map(({ name, description, members }) => ({
    name: rightFlagName(name),
    type: 'boolean',
    // a policy's group may come without a description: its members say what it is
    description: description || `all of ${members?.join(', ') ?? 'nothing'}`,
    section: 'rights',
  }));
}

/**
 * The rights whose `--right-…` flags were given, in the catalog's order; undefined when none was, so
 * the server applies its default. A flag that names no right on the server is a usage error naming it.
 */
export async function selectedRights(command: Command, values: FlagValues, client: KeygateClient): Promise<string[] | undefined> {
  const given = Object.keys(values).filter((name) => isRightFlag(name) && values[name] === true);
  if (!given.length) return undefined;
  const catalog = await readRightCatalog(client);
  const unknown = given.filter((flag) => !catalog.some(({ name }) => rightFlagName(name) === flag));
  if (unknown.length) {
    const flags = unknown.map((flag) => `--${flag}`).join(', ');
    throw new UsageError(
      `${flags} ${unknown.length === 1 ? 'names no right' : 'name no rights'} that ${client.server.origin} knows; ${helpHint(command.path)} to list its rights`,
    );
  }
  const chosen = catalog.filter(({ name }) => given.includes(rightFlagName(name)));
  const unholdable = command.holdable ? chosen.filter((right) => !command.holdable!(right)) : [];
  if (unholdable.length) {
    const flags = unholdable.map(({ name }) => `--${rightFlagName(name)}`).join(', ');
    throw new UsageError(`${flags}: a service account cannot hold ${unholdable.length === 1 ? 'this right' : 'these rights'}; ${helpHint(command.path)} to list those it can`);
  }
  return chosen.map(({ name }) => name);
}

/** keygate's own rights a service account can hold; the platform's rights and groups it can all hold. */
const ACCOUNT_KEYGATE_RIGHTS = new Set(['RIGHT_ALL', 'RIGHT_KEYS_VERIFY', 'RIGHT_METRICS_READ']);

/** What a service account, and so its keys, can hold (the server decides; this keeps the help to what it would take). */
export const accountCanHold = (right: { name: string; origin?: string }): boolean => right.origin === 'policy' || ACCOUNT_KEYGATE_RIGHTS.has(right.name);
