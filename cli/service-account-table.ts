import type { Schemas } from './api-types.js';
import { oneLine } from './cli-error.js';
import { type Column, type Page, type PageWindow, pageTable, shorten } from './page-table.js';

/** The fields of a service account that the table shows. */
export type ServiceAccountRow = Pick<Schemas['ServiceAccountDto'], 'id' | 'name' | 'tenantId' | 'customerId' | 'enabled' | 'rights'>;

const COLUMNS: readonly Column<ServiceAccountRow>[] = [
  ['ID', (account) => account.id],
  ['NAME', (account) => shorten(oneLine(account.name), 40)],
  // an account of no tenant is the system's, managed by system administrators
  ['TENANT', (account) => account.tenantId ?? 'system'],
  ['CUSTOMER', (account) => account.customerId ?? 'none'],
  ['STATUS', (account) => (account.enabled ? 'ENABLED' : 'DISABLED')],
  ['RIGHTS', (account) => account.rights.join(',')],
];

/** A page of service accounts as aligned columns for a person, with where the page sits in the list. */
export function serviceAccountTable(page: Page<ServiceAccountRow>, shown: PageWindow): string {
  return pageTable(page, shown, COLUMNS, { list: 'service accounts', one: 'service account', many: 'service accounts' });
}
