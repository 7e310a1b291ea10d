import { RIGHT_CATALOG, Right } from '../src/rights/right.js';
import type { Flag, FlagValues } from './command.js';

/** `RIGHT_USER_SETTINGS_API_KEYS` → `right-user-settings-api-keys`, as ttn-lw-cli names its right flags. */
export function rightFlagName(right: Right): string {
  return right.toLowerCase().replaceAll('_', '-');
}

/** One boolean flag per right in the catalog, so a new right gets its flag without touching the CLI. */
export const RIGHT_FLAGS: readonly Flag[] = RIGHT_CATALOG.map(({ name, description }) => ({
  name: rightFlagName(name),
  type: 'boolean',
  description,
  section: 'rights',
}));

/** The rights whose flags were given, in catalog order; undefined when none was. */
export function selectedRights(values: FlagValues): Right[] | undefined {
  const rights = RIGHT_CATALOG.filter(({ name }) => values[rightFlagName(name)] === true).map(({ name }) => name);
  return rights.length ? rights : undefined;
}
