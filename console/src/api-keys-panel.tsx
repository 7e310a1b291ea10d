import { useEffect, useRef, useState } from 'preact/hooks';
import { ALL_RIGHTS, FIRST_PAGE, api, keysPath, type ApiKey, type Page, type PageQuery } from './api';
import { ErrorMessage, Modal, PagedTable, SearchBox, SortHeader, toProblem, type Problem } from './components';
import { formatDateTime } from './format';
import { GenerateDialog } from './generate-dialog';
import { PencilIcon, TrashIcon } from './icons';

/**
 * The API keys of one user (`me`, or a user the caller manages): generate, list, enable or
 * disable, edit the description, delete. Sorting, search and paging are the REST API's.
 */
export function ApiKeysPanel({ userId, forWhom }: { userId: string; forWhom?: string }) {
  const [query, setQuery] = useState<PageQuery>(FIRST_PAGE);
  const [page, setPage] = useState<Page<ApiKey> | null>(null);
  const [reloads, setReloads] = useState(0);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState('');
  const [generating, setGenerating] = useState(false);
  const [editing, setEditing] = useState<ApiKey | null>(null);
  const [deleting, setDeleting] = useState<ApiKey | null>(null);
  const [switching, setSwitching] = useState<string | null>(null);
  const latest = useRef(0);

  useEffect(() => {
    const ticket = ++latest.current;
    setProblem(null);
    api.get<Page<ApiKey>>(keysPath(userId), { ...query }).then(
      (loaded) => {
        if (ticket !== latest.current) return;
        // the last key of a later page went: show the page before it
        if (loaded.data.length === 0 && query.page > 0) setQuery((q) => ({ ...q, page: Math.max(0, loaded.totalPages - 1) }));
        setPage(loaded);
      },
      (error: unknown) => {
        if (ticket === latest.current) setProblem(toProblem(error));
      },
    );
  }, [userId, query, reloads]);

  const reload = () => setReloads((n) => n + 1);
  const replace = (changed: ApiKey) =>
    setPage((now) => (now ? { ...now, data: now.data.map((key) => (key.id === changed.id ? changed : key)) } : now));

  async function setEnabled(key: ApiKey, enabled: boolean) {
    setSwitching(key.id);
    setProblem(null);
    try {
      replace(await api.patch<ApiKey>(keysPath(userId, key.id), { enabled }));
      setNotice(`“${key.description}” is ${enabled ? 'enabled' : 'disabled'}.`);
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setSwitching(null);
    }
  }

  const sortBy = (sortProperty: string, sortOrder: 'ASC' | 'DESC') => setQuery((q) => ({ ...q, sortProperty, sortOrder, page: 0 }));

  return (
    <section class="panel" aria-labelledby="api-keys-heading">
      <div class="toolbar">
        <h2 id="api-keys-heading">API keys</h2>
        <SearchBox label="Search descriptions" value={query.textSearch} onSearch={(textSearch) => setQuery((q) => ({ ...q, textSearch, page: 0 }))} />
        <button type="button" class="primary" onClick={() => setGenerating(true)}>
          + Generate
        </button>
      </div>
      <p class="hint">
        A key lets a program call the API as {forWhom ?? 'you'}, with the rights it was given and never more than {forWhom ? 'that user has' : 'you have'}.
      </p>
      <ErrorMessage problem={problem} onDismiss={() => setProblem(null)} />
      <p class="notice" role="status">
        {notice}
      </p>
      <PagedTable
        page={page}
        failed={problem !== null}
        query={query}
        setQuery={setQuery}
        noun={['key', 'keys']}
        empty={query.textSearch ? `No key’s description contains “${query.textSearch}”.` : 'No API keys yet. Generate one to let a program call the API.'}
      >
        <table class="table" aria-label="API keys">
          <thead>
            <tr>
              <SortHeader label="Created" property="createdAt" query={query} onSort={sortBy} />
              <SortHeader label="Description" property="description" query={query} onSort={sortBy} firstOrder="ASC" />
              <SortHeader label="Status" property="enabled" query={query} onSort={sortBy} />
              <SortHeader label="Expires" property="expiresAt" query={query} onSort={sortBy} firstOrder="ASC" />
              <th scope="col">Last used</th>
              <th scope="col">Rights</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page?.data.map((key) => (
              <tr key={key.id} data-key-id={key.id}>
                <td class="when">{formatDateTime(key.createdAt)}</td>
                <td class="description">{key.description}</td>
                <td>
                  <label class="switch">
                    <input
                      type="checkbox"
                      role="switch"
                      checked={key.enabled}
                      disabled={switching === key.id}
                      aria-label={`Enabled: ${key.description}`}
                      onChange={(event) => setEnabled(key, event.currentTarget.checked)}
                    />
                    <span class={`status status-${key.status.toLowerCase()}`}>{key.status}</span>
                  </label>
                </td>
                <td class="when">{key.expiresAt ? formatDateTime(key.expiresAt) : 'Never'}</td>
                <td class="when">{formatDateTime(key.lastUsedAt, 'Not yet')}</td>
                <td>
                  <Rights rights={key.rights} />
                </td>
                <td class="row-actions">
                  <button type="button" class="icon-button" aria-label={`Edit description: ${key.description}`} title="Edit description" onClick={() => setEditing(key)}>
                    <PencilIcon />
                  </button>
                  <button type="button" class="icon-button danger" aria-label={`Delete: ${key.description}`} title="Delete" onClick={() => setDeleting(key)}>
                    <TrashIcon />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </PagedTable>
      {generating && (
        <GenerateDialog
          userId={userId}
          forWhom={forWhom}
          onGenerated={(key) => {
            setNotice(`“${key.description}” generated.`);
            reload();
          }}
          onClose={() => setGenerating(false)}
        />
      )}
      {editing && (
        <EditDescriptionDialog
          userId={userId}
          apiKey={editing}
          onSaved={(key) => {
            replace(key);
            setNotice(`Description changed to “${key.description}”.`);
            setEditing(null);
          }}
          onClose={() => setEditing(null)}
        />
      )}
      {deleting && (
        <DeleteDialog
          userId={userId}
          apiKey={deleting}
          onDeleted={() => {
            setNotice(`“${deleting.description}” deleted. It no longer works.`);
            setDeleting(null);
            reload();
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </section>
  );
}

function Rights({ rights }: { rights: string[] }) {
  if (rights.includes(ALL_RIGHTS)) return <span class="chip chip-all">All current and future rights</span>;
  return (
    <ul class="chips">
      {rights.map((right) => (
        <li key={right} class="chip">
          {right}
        </li>
      ))}
    </ul>
  );
}

function EditDescriptionDialog(props: { userId: string; apiKey: ApiKey; onSaved: (key: ApiKey) => void; onClose: () => void }) {
  const [description, setDescription] = useState(props.apiKey.description);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(event: Event) {
    event.preventDefault();
    if (!description.trim()) {
      setProblem({ title: 'The description is empty', details: ['Enter a description, so you can tell this key from others.'] });
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      props.onSaved(await api.patch<ApiKey>(keysPath(props.userId, props.apiKey.id), { description: description.trim() }));
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title="Edit description" onClose={props.onClose}>
      <form class="form" onSubmit={save} noValidate>
        <ErrorMessage problem={problem} />
        <label class="field">
          <span>Description</span>
          <input name="description" maxLength={255} value={description} onInput={(event) => setDescription(event.currentTarget.value)} />
        </label>
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function DeleteDialog(props: { userId: string; apiKey: ApiKey; onDeleted: () => void; onClose: () => void }) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  async function remove() {
    setBusy(true);
    setProblem(null);
    try {
      await api.delete(keysPath(props.userId, props.apiKey.id));
      props.onDeleted();
    } catch (error) {
      setProblem(toProblem(error));
      setBusy(false);
    }
  }

  return (
    <Modal title="Delete this API key?" onClose={props.onClose}>
      <div class="form">
        <ErrorMessage problem={problem} />
        <p>
          “<strong>{props.apiKey.description}</strong>” will stop working at once, for every program that uses it. This cannot be undone.
        </p>
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" class="danger" disabled={busy} onClick={remove}>
            {busy ? 'Deleting…' : 'Delete'}
          </button>
        </div>
      </div>
    </Modal>
  );
}
