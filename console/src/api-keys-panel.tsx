import { useState } from 'preact/hooks';
import { api, keyPath, type ApiKey } from './api';
import { ConfirmDialog, ErrorMessage, Modal, PagedTable, RowActions, SearchBox, SortHeader, toProblem, usePagedList, type Problem } from './components';
import { formatDateTime } from './format';
import { GenerateDialog } from './generate-dialog';
import { RollIcon, ShieldIcon } from './icons';
import { ownerBound, ownerPhrase, type KeyOwner } from './key-owner';
import { RightChips } from './rights';
import { RestrictionsDialog, restrictionsText } from './restrictions';
import { RollDialog } from './roll-dialog';

/**
 * The API keys of one owner (`me`, a user the caller manages, or a service account): generate, list,
 * enable or disable, roll an active key over to a new one, edit the description, delete. Sorting, search
 * and paging are the REST API's.
 */
export function ApiKeysPanel({ owner }: { owner: KeyOwner }) {
  const list = usePagedList<ApiKey>(owner.keysPath);
  const { query, page, setProblem, reload, replace, sortBy, search } = list;
  const [notice, setNotice] = useState('');
  const [generating, setGenerating] = useState(false);
  const [rolling, setRolling] = useState<ApiKey | null>(null);
  const [editing, setEditing] = useState<ApiKey | null>(null);
  const [restricting, setRestricting] = useState<ApiKey | null>(null);
  const [deleting, setDeleting] = useState<ApiKey | null>(null);
  const [switching, setSwitching] = useState<string | null>(null);

  async function setEnabled(key: ApiKey, enabled: boolean) {
    setSwitching(key.id);
    setProblem(null);
    try {
      replace(await api.patch<ApiKey>(keyPath(owner.keysPath, key.id), { enabled }));
      setNotice(`“${key.description}” is ${enabled ? 'enabled' : 'disabled'}.`);
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setSwitching(null);
    }
  }

  return (
    <section class="panel" aria-labelledby="api-keys-heading">
      <div class="toolbar">
        <h2 id="api-keys-heading">API keys</h2>
        <SearchBox label="Search descriptions" value={query.textSearch} onSearch={search} />
        <button type="button" class="primary" onClick={() => setGenerating(true)}>
          + Generate
        </button>
      </div>
      <p class="hint">
        A key lets a program call the API as {ownerPhrase(owner)}, with the rights it was given and never more than {ownerBound(owner)}.
      </p>
      <ErrorMessage problem={list.problem} onDismiss={() => setProblem(null)} />
      <p class="notice" role="status">
        {notice}
      </p>
      <PagedTable
        list={list}
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
              <th scope="col">Restrictions</th>
              <th scope="col">Rights</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page?.data.map((key) => (
              <tr key={key.id} data-key-id={key.id} data-owner-type={key.ownerType}>
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
                <td class="restrictions-cell">{restrictionsText(key)}</td>
                <td>
                  <RightChips rights={key.rights} />
                </td>
                <RowActions
                  what={key.description}
                  editTitle="Edit description"
                  onEdit={() => setEditing(key)}
                  onDelete={() => setDeleting(key)}
                  before={
                    <>
                      <button type="button" class="icon-button" aria-label={`Restrictions: ${key.description}`} title="Restrictions and metadata" onClick={() => setRestricting(key)}>
                        <ShieldIcon />
                      </button>
                      {
                        // the server rolls only a working key: a disabled or expired one would come back to life
                        key.status === 'ACTIVE' && (
                          <button type="button" class="icon-button" aria-label={`Roll: ${key.description}`} title="Roll: replace with a new key" onClick={() => setRolling(key)}>
                            <RollIcon />
                          </button>
                        )
                      }
                    </>
                  }
                />
              </tr>
            ))}
          </tbody>
        </table>
      </PagedTable>
      {generating && (
        <GenerateDialog
          owner={owner}
          onGenerated={(key) => {
            setNotice(`“${key.description}” generated.`);
            reload();
          }}
          onClose={() => setGenerating(false)}
        />
      )}
      {rolling && (
        <RollDialog
          owner={owner}
          apiKey={rolling}
          onRolled={(key) => {
            setNotice(`“${key.description}” rolled: a new key replaces it.`);
            reload();
          }}
          onClose={() => setRolling(null)}
        />
      )}
      {editing && (
        <EditDescriptionDialog
          keysPath={owner.keysPath}
          apiKey={editing}
          onSaved={(key) => {
            replace(key);
            setNotice(`Description changed to “${key.description}”.`);
            setEditing(null);
          }}
          onClose={() => setEditing(null)}
        />
      )}
      {restricting && (
        <RestrictionsDialog
          keysPath={owner.keysPath}
          apiKey={restricting}
          onSaved={(key) => {
            replace(key);
            setNotice(`Restrictions of “${key.description}” saved.`);
            setRestricting(null);
          }}
          onClose={() => setRestricting(null)}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this API key?"
          confirm={['Delete', 'Deleting…']}
          onConfirm={() => api.delete(keyPath(owner.keysPath, deleting.id))}
          onDone={() => {
            setNotice(`“${deleting.description}” deleted. It no longer works.`);
            setDeleting(null);
            reload();
          }}
          onClose={() => setDeleting(null)}
        >
          <p>
            “<strong>{deleting.description}</strong>”{deleting.ownerType === 'serviceAccount' ? `, a key of ${ownerPhrase(owner)},` : ''} will stop working at once, for every program
            that uses it. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function EditDescriptionDialog(props: { keysPath: string; apiKey: ApiKey; onSaved: (key: ApiKey) => void; onClose: () => void }) {
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
      props.onSaved(await api.patch<ApiKey>(keyPath(props.keysPath, props.apiKey.id), { description: description.trim() }));
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
