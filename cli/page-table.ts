/** A page of a list as the server answers it. */
export interface Page<Row> {
  data: Row[];
  totalPages: number;
  totalElements: number;
  hasNext: boolean;
}

/** Which page of the list was asked for: `--page` (from 0) and `--page-size`. */
export interface PageWindow {
  page: number;
  pageSize: number;
}

/** A column of a table: its heading, and how a row's cell reads. */
export type Column<Row> = readonly [heading: string, cell: (row: Row) => string];

/** What the rows are, in the lines around the table: "No API keys here; 3 keys in all." */
export interface RowNoun {
  /** The list's name, in "No … here". */
  list: string;
  one: string;
  many: string;
}

/** A page as aligned columns for a person, with where the page sits in the list. */
export function pageTable<Row>(page: Page<Row>, shown: PageWindow, columns: readonly Column<Row>[], noun: RowNoun): string {
  if (!page.data.length) return `No ${noun.list} here; ${count(page.totalElements, noun)} in all.`;
  // a server older than the CLI may lack a field: an empty cell, not a crash
  const rows = [columns.map(([heading]) => heading), ...page.data.map((row) => columns.map(([, cell]) => cell(row) ?? ''))];
  const widths = columns.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  return [...lines, '', position(page, shown, noun)].join('\n');
}

/** "Keys 21–40 of 45; --page 2 shows more." */
function position(page: Page<unknown>, shown: PageWindow, noun: RowNoun): string {
  const first = shown.page * shown.pageSize + 1;
  const more = page.hasNext ? `; --page ${shown.page + 1} shows more` : '';
  const many = noun.many.charAt(0).toUpperCase() + noun.many.slice(1);
  return `${many} ${first}–${first + page.data.length - 1} of ${page.totalElements}${more}.`;
}

function count(total: number, noun: RowNoun): string {
  return `${total} ${total === 1 ? noun.one : noun.many}`;
}

/** `2027-11-23T00:00:00.000Z` → `2027-11-23T00:00:00Z`: the milliseconds say nothing to a reader. */
export function timeOrNever(time: string | null): string {
  return time ? time.replace(/\.\d+Z$/, 'Z') : 'never';
}

export function shorten(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
