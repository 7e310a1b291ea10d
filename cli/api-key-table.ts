import type { Schemas } from './api-types.js';
import { restrictionsCell } from './key-restriction-flags.js';
import { oneLine } from './cli-error.js';
import { type Column, type Page, type PageWindow, pageTable, shorten, timeOrNever } from './page-table.js';

/** The fields of a key object that the table shows. */
export type ApiKeyRow = Pick<Schemas['ApiKeyDto'], 'id' | 'ownerType' | 'ownerId' | 'description' | 'status' | 'expiresAt' | 'lastUsedAt' | 'rights' | 'allowedCidrs' | 'rateLimit'>;

const COLUMNS: readonly Column<ApiKeyRow>[] = [
  ['ID', (key) => key.id],
  ['OWNER TYPE', (key) => key.ownerType],
  ['OWNER ID', (key) => key.ownerId],
  ['DESCRIPTION', (key) => shorten(oneLine(key.description), 40)],
  ['STATUS', (key) => key.status],
  ['EXPIRES', (key) => timeOrNever(key.expiresAt)],
  ['LAST USED', (key) => timeOrNever(key.lastUsedAt)],
  ['RESTRICTIONS', restrictionsCell],
  ['RIGHTS', (key) => key.rights.join(',')],
];

/** A page of keys as aligned columns for a person, with where the page sits in the list. */
export function apiKeyTable(page: Page<ApiKeyRow>, shown: PageWindow): string {
  return pageTable(page, shown, COLUMNS, { list: 'API keys', one: 'key', many: 'keys' });
}
