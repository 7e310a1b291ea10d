import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, FIRST_PAGE, SessionEndedError, api, type Page, type PageQuery } from './api';
import { PencilIcon, TrashIcon } from './icons';

/** What went wrong, for the screen: the server's own words, or the reason the browser gave. */
export type Problem = { title: string; details: string[]; missingRight?: string };

export function toProblem(error: unknown): Problem | null {
  if (error instanceof SessionEndedError) return null; // the login screen says why
  if (error instanceof ApiError) return { title: error.title, details: error.details, missingRight: error.missingRight };
  return { title: 'Something went wrong', details: [error instanceof Error ? error.message : String(error)] };
}

export function ErrorMessage({ problem, onDismiss }: { problem: Problem | null; onDismiss?: () => void }) {
  if (!problem) return null;
  return (
    <div class="message message-error" role="alert">
      <div class="message-body">
        <strong>{problem.title}</strong>
        {problem.details.length === 1 ? (
          <p>{problem.details[0]}</p>
        ) : (
          <ul>
            {problem.details.map((detail) => (
              <li key={detail}>{detail}</li>
            ))}
          </ul>
        )}
        {problem.missingRight && (
          <p class="hint">
            Your account needs the right <code>{problem.missingRight}</code> for this. Ask an administrator if you should have it.
          </p>
        )}
      </div>
      {onDismiss && (
        <button type="button" class="icon-button" aria-label="Dismiss the error" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}

/** What a form found wrong before sending anything, one line a mistake. */
export function Mistakes({ mistakes }: { mistakes: string[] }) {
  if (mistakes.length === 0) return null;
  return (
    <div class="message message-error" role="alert">
      <ul>
        {mistakes.map((mistake) => (
          <li key={mistake}>{mistake}</li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A row's pencil and bin, named for the row (`what`) so a screen reader tells the rows apart; `before`
 * are the row's other actions, put ahead of them.
 */
export function RowActions(props: { what: string; editTitle: string; onEdit: () => void; onDelete: () => void; before?: ComponentChildren }) {
  return (
    <td class="row-actions">
      {props.before}
      <button type="button" class="icon-button" aria-label={`${props.editTitle}: ${props.what}`} title={props.editTitle} onClick={props.onEdit}>
        <PencilIcon />
      </button>
      <button type="button" class="icon-button danger" aria-label={`Delete: ${props.what}`} title="Delete" onClick={props.onDelete}>
        <TrashIcon />
      </button>
    </td>
  );
}

/** Tabs that are addresses: each a link, the current one marked. */
export function Tabs<T extends string>(props: { label: string; current: T; tabs: [tab: T, text: string, href: string][] }) {
  return (
    <nav class="tabs" aria-label={props.label}>
      {props.tabs.map(([tab, text, address]) => (
        <a key={tab} href={address} aria-current={tab === props.current ? 'page' : undefined}>
          {text}
        </a>
      ))}
    </nav>
  );
}

/**
 * A form's sending: the mistakes found before anything is sent, the server's refusal after, and
 * whether it is under way.
 */
export function useSubmit() {
  const [mistakes, setMistakes] = useState<string[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  /** Sends with `send` unless `found` holds a mistake (undefined entries are none). */
  async function submit(found: (string | undefined)[], send: () => Promise<void>): Promise<void> {
    const real = found.filter((mistake): mistake is string => mistake !== undefined);
    setMistakes(real);
    if (real.length) return;
    setBusy(true);
    setProblem(null);
    try {
      await send();
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  }

  return { mistakes, problem, busy, submit };
}

/** A modal dialog on the native <dialog>: focus stays inside, Escape closes it. */
export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useRef(`dialog-title-${Math.random().toString(36).slice(2)}`).current;
  useEffect(() => {
    const dialog = ref.current!;
    if (!dialog.open) dialog.showModal();
    return () => dialog.close();
  }, []);
  return (
    <dialog
      ref={ref}
      class={props.wide ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

/** A text box whose value is handed on after the person pauses typing. */
export function SearchBox({ value, onSearch, label }: { value: string; onSearch: (text: string) => void; label: string }) {
  const [text, setText] = useState(value);
  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => onSearch(text), 300);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <input
      type="search"
      class="search"
      placeholder={label}
      aria-label={label}
      value={text}
      onInput={(event) => setText(event.currentTarget.value)}
    />
  );
}

/** A column heading that sorts by the REST API's sortProperty; a second click reverses the order. */
export function SortHeader(props: {
  label: string;
  property: string;
  query: PageQuery;
  onSort: (property: string, order: 'ASC' | 'DESC') => void;
  firstOrder?: 'ASC' | 'DESC';
}) {
  const active = props.query.sortProperty === props.property;
  const order = active ? props.query.sortOrder : undefined;
  const next = active ? (order === 'ASC' ? 'DESC' : 'ASC') : (props.firstOrder ?? 'DESC');
  return (
    <th scope="col" aria-sort={order === 'ASC' ? 'ascending' : order === 'DESC' ? 'descending' : 'none'}>
      <button type="button" class="sort" onClick={() => props.onSort(props.property, next)}>
        {props.label}
        <span class="sort-mark" aria-hidden="true">
          {order === 'ASC' ? '▲' : order === 'DESC' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  );
}

/** What `usePagedList` hands a screen: the list's query and page, and how to move them. */
export type PagedList<T extends { id: string }> = ReturnType<typeof usePagedList<T>>;

/**
 * A list's table with what goes with it: a line when the page is empty or still loading, and under it
 * the pager, which moves the list's query through the pages.
 */
export function PagedTable<T extends { id: string }>(props: {
  list: PagedList<T>;
  noun: [string, string];
  /** What an empty page says. */
  empty: string;
  children: ComponentChildren;
}) {
  const { page, problem, query, setQuery } = props.list;
  return (
    <>
      <div class="table-wrap">
        {props.children}
        {page && page.data.length === 0 && <p class="empty">{props.empty}</p>}
        {/* loading failed: the error says so, not "Loading…" */}
        {!page && !problem && <p class="empty">Loading…</p>}
      </div>
      {page && <Pager page={page} query={query} setQuery={setQuery} noun={props.noun} />}
    </>
  );
}

function Pager(props: { page: Page<unknown>; query: PageQuery; setQuery: (change: (query: PageQuery) => PageQuery) => void; noun: [string, string] }) {
  const { totalPages, totalElements, hasNext } = props.page;
  const { page, pageSize } = props.query;
  const [one, many] = props.noun;
  const sizeId = useRef(`page-size-${Math.random().toString(36).slice(2)}`).current;
  const setPage = (n: number) => props.setQuery((q) => ({ ...q, page: n }));
  return (
    <nav class="pager" aria-label="Pages">
      <span>
        {totalElements} {totalElements === 1 ? one : many}
      </span>
      <span>
        <label for={sizeId}>Rows per page</label>{' '}
        <select id={sizeId} value={String(pageSize)} onChange={(event) => props.setQuery((q) => ({ ...q, pageSize: Number(event.currentTarget.value), page: 0 }))}>
          {[10, 20, 50, 100].map((size) => (
            <option key={size} value={String(size)}>
              {size}
            </option>
          ))}
        </select>
      </span>
      <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
        ‹ Previous
      </button>
      <span aria-live="polite">
        Page {page + 1} of {Math.max(1, totalPages)}
      </span>
      <button type="button" disabled={!hasNext} onClick={() => setPage(page + 1)}>
        Next ›
      </button>
    </nav>
  );
}

/** One thing the REST API answers at `path` (read again when the path changes), or the problem reading it. */
export function useLoaded<T>(path: string) {
  const [value, setValue] = useState<T | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    setValue(null);
    setProblem(null);
    api.get<T>(path).then(setValue, (error: unknown) => setProblem(toProblem(error)));
  }, [path]);
  return { value, setValue, problem };
}

/**
 * One page of a list the REST API pages (`path`), read again whenever its query changes or `reload` is
 * called. An answer to a query that has since changed is dropped; sorting, search and paging are the
 * server's.
 */
export function usePagedList<T extends { id: string }>(path: string, first: PageQuery = FIRST_PAGE) {
  const [query, setQuery] = useState<PageQuery>(first);
  const [page, setPage] = useState<Page<T> | null>(null);
  const [reloads, setReloads] = useState(0);
  const [problem, setProblem] = useState<Problem | null>(null);
  const latest = useRef(0);

  useEffect(() => {
    const ticket = ++latest.current;
    setProblem(null);
    api.get<Page<T>>(path, { ...query }).then(
      (loaded) => {
        if (ticket !== latest.current) return;
        // the last row of a later page went: show the page before it
        if (loaded.data.length === 0 && query.page > 0) setQuery((q) => ({ ...q, page: Math.max(0, loaded.totalPages - 1) }));
        setPage(loaded);
      },
      (error: unknown) => {
        if (ticket === latest.current) setProblem(toProblem(error));
      },
    );
  }, [path, query, reloads]);

  return {
    query,
    setQuery,
    page,
    problem,
    setProblem,
    reload: () => setReloads((n) => n + 1),
    /** Puts a changed row in its place without reading the page again. */
    replace: (changed: T) => setPage((now) => (now ? { ...now, data: now.data.map((row) => (row.id === changed.id ? changed : row)) } : now)),
    sortBy: (sortProperty: string, sortOrder: 'ASC' | 'DESC') => setQuery((q) => ({ ...q, sortProperty, sortOrder, page: 0 })),
    search: (textSearch: string) => setQuery((q) => ({ ...q, textSearch, page: 0 })),
  };
}

/** "Are you sure?" before something that cannot be undone; the server's refusal stays in the dialog. */
export function ConfirmDialog(props: {
  title: string;
  children: ComponentChildren;
  /** The button, e.g. "Delete", and what it says while waiting, e.g. "Deleting…". */
  confirm: [string, string];
  onConfirm: () => Promise<void>;
  onDone: () => void;
  onClose: () => void;
}) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  async function go() {
    setBusy(true);
    setProblem(null);
    try {
      await props.onConfirm();
      props.onDone();
    } catch (error) {
      setProblem(toProblem(error));
      setBusy(false);
    }
  }

  return (
    <Modal title={props.title} onClose={props.onClose}>
      <div class="form">
        <ErrorMessage problem={problem} />
        {props.children}
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" class="danger" disabled={busy} onClick={go}>
            {busy ? props.confirm[1] : props.confirm[0]}
          </button>
        </div>
      </div>
    </Modal>
  );
}
