import { oneLine } from './cli-error.js';

/** The fields of a key object that the table shows. */
export interface ApiKeyRow {
  id: string;
  description: string;
  status: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  rights: string[];
}

export interface ApiKeyPage {
  data: ApiKeyRow[];
  totalPages: number;
  totalElements: number;
  hasNext: boolean;
}

/** Which page of the list was asked for: `--page` (from 0) and `--page-size`. */
export interface PageWindow {
  page: number;
  pageSize: number;
}

const COLUMNS: ReadonlyArray<[heading: string, cell: (key: ApiKeyRow) => string]> = [
  ['ID', (key) => key.id],
  ['DESCRIPTION', (key) => shorten(oneLine(key.description), 40)],
  ['STATUS', (key) => key.status],
  ['EXPIRES', (key) => timeOrNever(key.expiresAt)],
  ['LAST USED', (key) => timeOrNever(key.lastUsedAt)],
  ['RIGHTS', (key) => key.rights.join(',')],
];

/** A page of keys as aligned columns for a person, with where the page sits in the list. */
export function apiKeyTable(page: ApiKeyPage, shown: PageWindow): string {
  if (!page.data.length) return `No API keys here; ${keys(page.totalElements)} in all.`;
  const rows = [COLUMNS.map(([heading]) => heading), ...page.data.map((key) => COLUMNS.map(([, cell]) => cell(key)))];
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  return [...lines, '', position(page, shown)].join('\n');
}

/** "Keys 21–40 of 45; --page 2 shows more." */
function position(page: ApiKeyPage, shown: PageWindow): string {
  const first = shown.page * shown.pageSize + 1;
  const more = page.hasNext ? `; --page ${shown.page + 1} shows more` : '';
  return `Keys ${first}–${first + page.data.length - 1} of ${page.totalElements}${more}.`;
}

function keys(count: number): string {
  return count === 1 ? '1 key' : `${count} keys`;
}

/** `2027-11-23T00:00:00.000Z` → `2027-11-23T00:00:00Z`: the milliseconds say nothing to a reader. */
function timeOrNever(time: string | null): string {
  return time ? time.replace(/\.\d+Z$/, 'Z') : 'never';
}

function shorten(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
