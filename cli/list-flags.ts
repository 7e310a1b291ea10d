import type { Flag, FlagValues } from './command.js';
import { choiceFlag, integerFlag } from './flag-values.js';
import type { Io } from './io.js';
import type { Page, PageWindow } from './page-table.js';

const SORT_ORDERS = ['ASC', 'DESC'];
const OUTPUTS = ['json', 'table'];
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

/** What a paged list holds and how it sorts, for its flags' help. */
export interface ListShape {
  /** "keys", "service accounts". */
  many: string;
  sortProperties: readonly string[];
  /** What `--text-search` looks in, e.g. "description". */
  searched: string;
}

/** The flags of every paged list: the same words as the server's query parameters. */
export function listFlags({ many, sortProperties, searched }: ListShape): Flag[] {
  return [
    { name: 'page', type: 'string', value: '<n>', description: 'page number, from 0 (default: 0)' },
    { name: 'page-size', type: 'string', value: '<n>', description: `${many} per page, 1 to ${MAX_PAGE_SIZE} (default: ${DEFAULT_PAGE_SIZE})` },
    { name: 'text-search', type: 'string', value: '<text>', description: `only ${many} whose ${searched} contains it (any case)` },
    { name: 'sort-property', type: 'string', value: `<${sortProperties.join('|')}>`, description: 'sort by (default: createdAt)' },
    { name: 'sort-order', type: 'string', value: '<ASC|DESC>', description: 'sort direction (default: DESC)' },
    { name: 'output', short: 'o', type: 'string', value: '<json|table>', description: 'json for scripts (default), table for people' },
  ];
}

/**
 * Reads one page of a list and prints it: the page as JSON by default, or as a table for people.
 * The flags are checked before the request, so a typo costs none.
 */
export async function printPage<Row>(
  values: FlagValues,
  io: Io,
  { sortProperties }: ListShape,
  fetchPage: (query: Record<string, string | number | undefined>) => Promise<Page<Row>>,
  table: (page: Page<Row>, shown: PageWindow) => string,
): Promise<void> {
  const shown = { page: integerFlag(values, 'page', 0, 1_000_000) ?? 0, pageSize: integerFlag(values, 'page-size', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE };
  const sortProperty = choiceFlag(values, 'sort-property', sortProperties);
  const sortOrder = choiceFlag(values, 'sort-order', SORT_ORDERS, (text) => text.toUpperCase());
  const output = choiceFlag(values, 'output', OUTPUTS, (text) => text.toLowerCase()) ?? 'json';
  const page = await fetchPage({ ...shown, textSearch: values['text-search'] as string | undefined, sortProperty, sortOrder });
  io.out(output === 'table' ? table(page, shown) : printable(page));
}

/** A result as scripts read it: indented JSON. */
export function printable(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
