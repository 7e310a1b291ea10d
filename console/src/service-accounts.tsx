import { useEffect, useState } from 'preact/hooks';
import { api, serviceAccountPath, type CurrentUser, type Customer, type Page, type ServiceAccount } from './api';
import { ApiKeysPanel } from './api-keys-panel';
import { ConfirmDialog, ErrorMessage, Mistakes, Modal, PagedTable, RowActions, SearchBox, SortHeader, Tabs, toProblem, useLoaded, usePagedList, useSubmit, type Problem } from './components';
import { formatDateTime } from './format';
import { serviceAccountKeys } from './key-owner';
import { RightChips, RightsField, choiceOf, missingRights, rightsOf, serviceAccountRights, type RightsChoice } from './rights';
import { href } from './router';

/** Customers by id, for a tenant administrator's accounts; empty for anyone else (who has none). */
type Customers = { list: Customer[]; byId: Map<string, Customer>; problem: Problem | null };

/** Every customer of the tenant administrator's tenant (GET /api/customers, page by page), by name. */
function useCustomers(me: CurrentUser): Customers {
  const [customers, setCustomers] = useState<Customers>({ list: [], byId: new Map(), problem: null });
  useEffect(() => {
    if (me.authority !== 'TENANT_ADMIN') return;
    (async () => {
      const list: Customer[] = [];
      for (let page = 0; ; page++) {
        const loaded = await api.get<Page<Customer>>('/api/customers', { page, pageSize: 100, sortProperty: 'name', sortOrder: 'ASC' });
        list.push(...loaded.data);
        if (!loaded.hasNext) return list;
      }
    })().then(
      (list) => setCustomers({ list, byId: new Map(list.map((customer) => [customer.id, customer])), problem: null }),
      (error: unknown) => setCustomers({ list: [], byId: new Map(), problem: toProblem(error) }),
    );
  }, [me.id]);
  return customers;
}

/** Whom an account serves: the system, its whole tenant, or one customer. */
function scopeOf(account: ServiceAccount, customers: Customers): string {
  if (account.tenantId === null) return 'System';
  if (account.customerId === null) return 'Whole tenant';
  return customers.byId.get(account.customerId)?.name ?? account.customerId;
}

/** The service accounts the caller manages (the REST API lists no others), and a new one. */
export function ServiceAccountsScreen({ me }: { me: CurrentUser }) {
  const list = usePagedList<ServiceAccount>('/api/service-accounts');
  const { query, page, problem, reload, replace, sortBy, search } = list;
  const customers = useCustomers(me);
  const [notice, setNotice] = useState('');
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<ServiceAccount | null>(null);
  const [deleting, setDeleting] = useState<ServiceAccount | null>(null);

  return (
    <>
      <h1>Service accounts</h1>
      <section class="panel" aria-label="Service accounts">
        <div class="toolbar">
          <p class="hint grow">
            Keys for backends, device fleets and integrations, without inventing a person: a service account cannot log in, its API keys act as it.
          </p>
          <SearchBox label="Search names" value={query.textSearch} onSearch={search} />
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            + Create
          </button>
        </div>
        <ErrorMessage problem={problem} />
        <p class="notice" role="status">
          {notice}
        </p>
        <PagedTable
          list={list}
          noun={['service account', 'service accounts']}
          empty={query.textSearch ? `No service account’s name contains “${query.textSearch}”.` : 'No service accounts yet. Create one to give a program its own keys.'}
        >
          <table class="table" aria-label="Service accounts">
            <thead>
              <tr>
                <SortHeader label="Name" property="name" query={query} onSort={sortBy} firstOrder="ASC" />
                <th scope="col">Description</th>
                <th scope="col">For</th>
                <th scope="col">Rights</th>
                <th scope="col">Status</th>
                <SortHeader label="Created" property="createdAt" query={query} onSort={sortBy} />
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page?.data.map((account) => (
                <tr key={account.id} data-service-account-id={account.id}>
                  <td>
                    <a href={href({ screen: 'service-account', accountId: account.id, tab: 'details' })}>{account.name}</a>
                  </td>
                  <td>{account.description ?? ''}</td>
                  <td>{scopeOf(account, customers)}</td>
                  <td>
                    <RightChips rights={account.rights} />
                  </td>
                  <td>{account.enabled ? 'Enabled' : 'Disabled'}</td>
                  <td class="when">{formatDateTime(account.createdAt)}</td>
                  <RowActions what={account.name} editTitle="Edit" onEdit={() => setEditing(account)} onDelete={() => setDeleting(account)} />
                </tr>
              ))}
            </tbody>
          </table>
        </PagedTable>
      </section>
      {creating && (
        <AccountDialog
          me={me}
          customers={customers}
          onSaved={(account) => {
            // what a new account is for: its first key
            location.hash = href({ screen: 'service-account', accountId: account.id, tab: 'api-keys' });
          }}
          onClose={() => setCreating(false)}
        />
      )}
      {editing && (
        <AccountDialog
          me={me}
          account={editing}
          customers={customers}
          onSaved={(account) => {
            replace(account);
            setNotice(`“${account.name}” saved.`);
            setEditing(null);
          }}
          onClose={() => setEditing(null)}
        />
      )}
      {deleting && (
        <DeleteAccountDialog
          account={deleting}
          onDone={() => {
            setNotice(`“${deleting.name}” deleted. Its keys no longer work.`);
            setDeleting(null);
            reload();
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}

/** One service account: what it is, and its API keys, managed as a user's are. */
export function ServiceAccountScreen({ me, accountId, tab }: { me: CurrentUser; accountId: string; tab: 'details' | 'api-keys' }) {
  const { value: account, setValue: setAccount, problem } = useLoaded<ServiceAccount>(serviceAccountPath(accountId));
  const customers = useCustomers(me);
  const [notice, setNotice] = useState('');
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);

  return (
    <>
      <p class="breadcrumb">
        <a href={href({ screen: 'service-accounts' })}>Service accounts</a> ›
      </p>
      <h1>{account?.name ?? 'Service account'}</h1>
      <ErrorMessage problem={problem} />
      {account && (
        <>
          <Tabs
            label="Service account"
            current={tab}
            tabs={[
              ['details', 'Details', href({ screen: 'service-account', accountId, tab: 'details' })],
              ['api-keys', 'API keys', href({ screen: 'service-account', accountId, tab: 'api-keys' })],
            ]}
          />
          {tab === 'details' ? (
            <section class="panel" aria-label="Details">
              <div class="toolbar">
                <p class="notice grow" role="status">
                  {notice}
                </p>
                <button type="button" onClick={() => setEditing(true)}>
                  Edit
                </button>
                <button type="button" class="danger" onClick={() => setDeleting(true)}>
                  Delete
                </button>
              </div>
              <dl class="profile">
                <dt>Name</dt>
                <dd>{account.name}</dd>
                <dt>Description</dt>
                <dd>{account.description || '—'}</dd>
                <dt>For</dt>
                <dd>{scopeOf(account, customers)}</dd>
                <dt>Status</dt>
                <dd>{account.enabled ? 'Enabled' : 'Disabled: its keys are refused'}</dd>
                <dt>Rights</dt>
                <dd>
                  <RightChips rights={account.rights} />
                </dd>
                <dt>Created</dt>
                <dd>{formatDateTime(account.createdAt)}</dd>
                <dt>Changed</dt>
                <dd>{formatDateTime(account.updatedAt)}</dd>
              </dl>
            </section>
          ) : (
            <ApiKeysPanel key={account.id} owner={serviceAccountKeys(account)} />
          )}
          {editing && (
            <AccountDialog
              me={me}
              account={account}
              customers={customers}
              onSaved={(saved) => {
                setAccount(saved);
                setNotice(`“${saved.name}” saved.`);
                setEditing(false);
              }}
              onClose={() => setEditing(false)}
            />
          )}
          {deleting && (
            <DeleteAccountDialog
              account={account}
              onDone={() => {
                location.hash = href({ screen: 'service-accounts' });
              }}
              onClose={() => setDeleting(false)}
            />
          )}
        </>
      )}
    </>
  );
}

/** A new service account (without `account`), or the name, description, status and rights of one. */
function AccountDialog(props: { me: CurrentUser; account?: ServiceAccount; customers: Customers; onSaved: (account: ServiceAccount) => void; onClose: () => void }) {
  const { account, customers } = props;
  const [name, setName] = useState(account?.name ?? '');
  const [description, setDescription] = useState(account?.description ?? '');
  const [customerId, setCustomerId] = useState('');
  const [enabled, setEnabled] = useState(account?.enabled ?? true);
  const [rights, setRights] = useState<RightsChoice>(choiceOf(account?.rights ?? []));
  const { mistakes, problem, busy, submit } = useSubmit();
  const systemLevel = account ? account.tenantId === null : props.me.authority === 'SYS_ADMIN';
  const choosesCustomer = !account && props.me.authority === 'TENANT_ADMIN';

  function save(event: Event) {
    event.preventDefault();
    const found = [name.trim() ? undefined : 'Enter a name, so you can tell this account from others.', missingRights(rights, 'account')];
    void submit(found, async () => {
      const fields = { name: name.trim(), rights: rightsOf(rights) };
      props.onSaved(
        account
          ? await api.patch<ServiceAccount>(serviceAccountPath(account.id), { ...fields, description: description.trim() || null, enabled })
          : await api.post<ServiceAccount>('/api/service-accounts', {
              ...fields,
              ...(description.trim() ? { description: description.trim() } : {}),
              ...(customerId ? { customerId } : {}),
            }),
      );
    });
  }

  return (
    <Modal title={account ? `Edit ${account.name}` : 'Create a service account'} onClose={props.onClose} wide>
      <form class="form" onSubmit={save} noValidate>
        <Mistakes mistakes={mistakes} />
        <ErrorMessage problem={problem} />
        <label class="field">
          <span>Name</span>
          <input name="name" required maxLength={255} placeholder="e.g. Telemetry ingest" value={name} onInput={(event) => setName(event.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Description</span>
          <input name="description" placeholder="Optional: what uses its keys" value={description} onInput={(event) => setDescription(event.currentTarget.value)} />
        </label>
        {choosesCustomer && (
          <div class="field">
            <label for="service-account-customer">Customer</label>
            <select id="service-account-customer" name="customer" value={customerId} onChange={(event) => setCustomerId(event.currentTarget.value)}>
              <option value="">None: the whole tenant</option>
              {customers.list.map((customer) => (
                <option key={customer.id} value={customer.id}>
                  {customer.name}
                </option>
              ))}
            </select>
            <ErrorMessage problem={customers.problem} />
          </div>
        )}
        {account && (
          <label class="choice">
            <input type="checkbox" name="enabled" checked={enabled} onChange={(event) => setEnabled(event.currentTarget.checked)} />
            <span>
              Enabled
              <small>A disabled account’s keys are refused from the next request on.</small>
            </span>
          </label>
        )}
        <RightsField
          choice={rights}
          onChange={setRights}
          offered={serviceAccountRights(systemLevel)}
          allHint="Every right a service account may hold, now and as the platform adds rights."
        />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Saving…' : account ? 'Save' : 'Create'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function DeleteAccountDialog(props: { account: ServiceAccount; onDone: () => void; onClose: () => void }) {
  return (
    <ConfirmDialog
      title="Delete this service account?"
      confirm={['Delete', 'Deleting…']}
      onConfirm={() => api.delete(serviceAccountPath(props.account.id))}
      onDone={props.onDone}
      onClose={props.onClose}
    >
      <p>
        “<strong>{props.account.name}</strong>” and all its API keys will stop working at once, for every program that uses them. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
