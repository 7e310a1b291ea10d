import { useRef, useState } from 'preact/hooks';
import { api, type CurrentUser, type CreatedWebhook, type Webhook, type WebhookDelivery } from './api';
import { ConfirmDialog, ErrorMessage, Mistakes, Modal, PagedTable, SearchBox, usePagedList, useSubmit } from './components';
import { formatDateTime } from './format';
import { TrashIcon } from './icons';
import { href } from './router';
import { copyToClipboard } from './show-key-once';

/** The events a webhook may hear, as the server names them, with what each means. */
const EVENTS: [event: Webhook['events'][number], meaning: string][] = [
  ['API_KEY_CREATED', 'a key is created (a roll’s new key too)'],
  ['API_KEY_UPDATED', 'a key’s description, expiry or rights change'],
  ['API_KEY_DISABLED', 'a key is disabled'],
  ['API_KEY_DELETED', 'a key is deleted'],
  ['API_KEY_ROLLED', 'a key is rolled'],
  ['API_KEY_LEAK_REPORTED', 'someone reported a key leaked: it was disabled'],
  ['API_KEY_EXPIRING', 'a key expires in 30, 7 or 1 days'],
];

const webhooksPath = '/api/webhooks';
const deliveriesPath = (webhookId: string) => `${webhooksPath}/${encodeURIComponent(webhookId)}/deliveries`;

/** The webhooks the caller manages (a system administrator: all; a tenant administrator: its tenant's), a new one, and deleting one. */
export function WebhooksScreen({ me }: { me: CurrentUser }) {
  const list = usePagedList<Webhook>(webhooksPath);
  const { query, page, problem, reload, search } = list;
  const [notice, setNotice] = useState('');
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Webhook | null>(null);

  return (
    <>
      <h1>Webhooks</h1>
      <section class="panel" aria-label="Webhooks">
        <div class="toolbar">
          <p class="hint grow">
            keygate POSTs a signed event to each URL when a key {me.authority === 'SYS_ADMIN' ? '' : 'of your tenant '}is created, changed, disabled, deleted, rolled, reported
            leaked or about to expire.
          </p>
          <SearchBox label="Search URLs" value={query.textSearch} onSearch={search} />
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            + Create
          </button>
        </div>
        <ErrorMessage problem={problem} />
        <p class="notice" role="status">
          {notice}
        </p>
        <PagedTable list={list} noun={['webhook', 'webhooks']} empty={query.textSearch ? `No webhook’s URL contains “${query.textSearch}”.` : 'No webhooks yet.'}>
          <table class="table" aria-label="Webhooks">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">For</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page?.data.map((webhook) => (
                <tr key={webhook.id} data-webhook-id={webhook.id}>
                  <td>
                    <a href={href({ screen: 'webhook', webhookId: webhook.id })} title="Its deliveries">
                      {webhook.url}
                    </a>
                  </td>
                  <td>
                    {webhook.events.map((event) => (
                      <code key={event} class="chip">
                        {event}
                      </code>
                    ))}
                  </td>
                  <td>{webhook.tenantId === null ? 'Every tenant' : me.tenantId === webhook.tenantId ? 'This tenant' : webhook.tenantId}</td>
                  <td class="when">{formatDateTime(webhook.createdAt)}</td>
                  <td class="row-actions">
                    <button type="button" class="icon-button danger" aria-label={`Delete: ${webhook.url}`} title="Delete" onClick={() => setDeleting(webhook)}>
                      <TrashIcon />
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </PagedTable>
      </section>
      {creating && (
        <CreateWebhookDialog
          onCreated={() => reload()}
          onClose={() => {
            setCreating(false);
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this webhook?"
          confirm={['Delete', 'Deleting…']}
          onConfirm={() => api.delete(`${webhooksPath}/${encodeURIComponent(deleting.id)}`)}
          onDone={() => {
            setNotice(`The webhook to ${deleting.url} is deleted, with its pending deliveries.`);
            setDeleting(null);
            reload();
          }}
          onClose={() => setDeleting(null)}
        >
          <p>
            <strong>{deleting.url}</strong> will receive no more events, and deliveries not yet made are dropped.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** A new webhook: its URL and events; then its signing secret, this once. */
function CreateWebhookDialog(props: { onCreated: () => void; onClose: () => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<Set<string>>(new Set());
  const [secret, setSecret] = useState('');
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const { mistakes, problem, busy, submit } = useSubmit();

  function save(event: Event) {
    event.preventDefault();
    const found = [
      /^https?:\/\/\S+$/.test(url.trim()) ? undefined : 'Enter the receiver’s URL, starting with https:// or http://.',
      events.size ? undefined : 'Choose at least one event.',
      secret && secret.length < 16 ? 'A secret of your own needs at least 16 characters; leave it empty to have one generated.' : undefined,
    ];
    void submit(found, async () => {
      const body = { url: url.trim(), events: EVENTS.map(([name]) => name).filter((name) => events.has(name)), ...(secret ? { secret } : {}) };
      setCreated(await api.post<CreatedWebhook>(webhooksPath, body));
      props.onCreated();
    });
  }

  if (created) {
    return (
      <Modal title="Webhook created" onClose={props.onClose}>
        <ShowSecretOnce created={created} onDone={props.onClose} />
      </Modal>
    );
  }
  return (
    <Modal title="Create a webhook" onClose={props.onClose} wide>
      <form class="form" onSubmit={save} noValidate>
        <Mistakes mistakes={mistakes} />
        <ErrorMessage problem={problem} />
        <label class="field">
          <span>URL</span>
          <input name="url" type="url" required maxLength={2048} placeholder="https://hooks.example.com/keygate" value={url} onInput={(event) => setUrl(event.currentTarget.value)} />
        </label>
        <fieldset class="field">
          <legend>Events</legend>
          {EVENTS.map(([name, meaning]) => (
            <label key={name} class="choice">
              <input
                type="checkbox"
                name="events"
                value={name}
                checked={events.has(name)}
                onChange={(event) => {
                  const next = new Set(events);
                  if (event.currentTarget.checked) next.add(name);
                  else next.delete(name);
                  setEvents(next);
                }}
              />
              <span>
                <code>{name}</code>
                <small>{meaning}</small>
              </span>
            </label>
          ))}
        </fieldset>
        <label class="field">
          <span>Signing secret</span>
          <input name="secret" autocomplete="off" placeholder="Optional: leave empty to have one generated" value={secret} onInput={(event) => setSecret(event.currentTarget.value)} />
        </label>
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The webhook's signing secret, this once, with a copy button (as a new key is shown). */
function ShowSecretOnce({ created, onDone }: { created: CreatedWebhook; onDone: () => void }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState('');

  async function copy() {
    setCopied(await copyToClipboard(created.secret, field.current!, 'secret'));
  }

  return (
    <div class="form">
      <div class="message message-warning" role="alert">
        <strong>Copy the signing secret now: it will not be shown again.</strong>
        <p>Your receiver checks each delivery’s X-Keygate-Signature with it. If it is lost, create a new webhook and delete this one.</p>
      </div>
      <div class="field">
        <label for="new-webhook-secret">Signing secret for {created.url}</label>
        <div class="key-box">
          <input id="new-webhook-secret" ref={field} class="key-value" readOnly value={created.secret} spellcheck={false} onFocus={(event) => event.currentTarget.select()} />
          <button type="button" class="primary" onClick={copy}>
            Copy
          </button>
        </div>
      </div>
      <p class="hint" role="status">
        {copied}
      </p>
      <div class="actions">
        <button type="button" class="primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

/** One webhook's deliveries, newest first: each event, its status, its attempts and the next one. */
export function WebhookScreen({ webhookId }: { webhookId: string }) {
  const list = usePagedList<WebhookDelivery>(deliveriesPath(webhookId));
  const { query, page, problem, reload, search } = list;
  return (
    <>
      <p class="breadcrumb">
        <a href={href({ screen: 'webhooks' })}>Webhooks</a> ›
      </p>
      <h1>Deliveries</h1>
      <section class="panel" aria-label="Deliveries">
        <div class="toolbar">
          <p class="hint grow">A delivery is retried until the receiver answers 2xx, for 24 hours.</p>
          <SearchBox label="Search payloads" value={query.textSearch} onSearch={search} />
          <button type="button" onClick={reload}>
            Refresh
          </button>
        </div>
        <ErrorMessage problem={problem} />
        <PagedTable list={list} noun={['delivery', 'deliveries']} empty="No deliveries yet: none of this webhook’s events has happened.">
          <table class="table" aria-label="Deliveries">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Next attempt</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {page?.data.map((delivery) => (
                <tr key={delivery.id} data-delivery-id={delivery.id}>
                  <td>
                    <code>{delivery.event}</code>
                  </td>
                  <td>{delivery.status}</td>
                  <td>
                    <ol class="attempts">
                      {delivery.attempts.map((attempt) => (
                        <li key={attempt.at}>
                          {formatDateTime(attempt.at)}: {attempt.error ?? `answered ${attempt.statusCode}`}
                        </li>
                      ))}
                    </ol>
                  </td>
                  <td class="when">{formatDateTime(delivery.nextAttemptAt)}</td>
                  <td class="when">{formatDateTime(delivery.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </PagedTable>
      </section>
    </>
  );
}
