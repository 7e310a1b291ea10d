import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, SessionEndedError, type Page, type PageQuery } from './api';

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

/**
 * A list's table with what goes with it: a line when the page is empty or still loading, and under it
 * the pager, which moves the list's query (`setQuery`) through the pages.
 */
export function PagedTable(props: {
  page: Page<unknown> | null;
  /** Loading failed: the error says so, not "Loading…". */
  failed: boolean;
  query: PageQuery;
  setQuery: (change: (query: PageQuery) => PageQuery) => void;
  noun: [string, string];
  /** What an empty page says. */
  empty: string;
  children: ComponentChildren;
}) {
  const { page } = props;
  return (
    <>
      <div class="table-wrap">
        {props.children}
        {page && page.data.length === 0 && <p class="empty">{props.empty}</p>}
        {!page && !props.failed && <p class="empty">Loading…</p>}
      </div>
      {page && <Pager page={page} query={props.query} setQuery={props.setQuery} noun={props.noun} />}
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
