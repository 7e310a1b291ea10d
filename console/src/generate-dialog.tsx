import { useEffect, useRef, useState } from 'preact/hooks';
import { ALL_RIGHTS, api, keysPath, rightsCatalog, type CreatedApiKey, type RightDescription } from './api';
import { ErrorMessage, Modal, toProblem, type Problem } from './components';
import { formatDate, formatDateTime } from './format';

const DAY_MS = 24 * 60 * 60 * 1000;
type Expiration = '7' | '30' | '60' | '90' | 'never' | 'date';
const EXPIRATIONS: { value: Expiration; label: string }[] = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '60', label: '60 days' },
  { value: '90', label: '90 days' },
  { value: 'never', label: 'Never' },
  { value: 'date', label: 'On a date…' },
];

/** `yyyy-mm-dd` of a local date, as <input type="date"> reads and writes it. */
function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** When a key generated now would stop working; null: never; undefined: no valid date chosen yet. */
function expiryFor(expiration: Expiration, day: string, now = Date.now()): Date | null | undefined {
  if (expiration === 'never') return null;
  if (expiration !== 'date') return new Date(now + Number(expiration) * DAY_MS);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  // the end of the chosen day, in the person's own time zone
  const end = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59);
  return end.getTime() > now ? end : undefined;
}

export function GenerateDialog(props: { userId: string; forWhom?: string; onGenerated: (key: CreatedApiKey) => void; onClose: () => void }) {
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const title = created ? 'Your new API key' : props.forWhom ? `Generate an API key for ${props.forWhom}` : 'Generate an API key';
  return (
    <Modal title={title} onClose={props.onClose} wide>
      {created ? (
        <ShowKeyOnce created={created} onDone={props.onClose} />
      ) : (
        <GenerateForm
          userId={props.userId}
          onCancel={props.onClose}
          onGenerated={(key) => {
            setCreated(key);
            props.onGenerated(key);
          }}
        />
      )}
    </Modal>
  );
}

function GenerateForm(props: { userId: string; onCancel: () => void; onGenerated: (key: CreatedApiKey) => void }) {
  const [description, setDescription] = useState('');
  const [expiration, setExpiration] = useState<Expiration>('never');
  const [day, setDay] = useState('');
  const [allRights, setAllRights] = useState(true);
  const [chosen, setChosen] = useState<string[]>([]);
  const [catalog, setCatalog] = useState<RightDescription[] | null>(null);
  const [invalid, setInvalid] = useState<string[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    rightsCatalog().then(
      (rights) => setCatalog(rights.filter((r) => r.name !== ALL_RIGHTS)),
      (error: unknown) => setProblem(toProblem(error)),
    );
  }, []);

  const expiry = expiryFor(expiration, day);

  async function submit(event: Event) {
    event.preventDefault();
    const mistakes: string[] = [];
    if (!description.trim()) mistakes.push('Enter a description, so you can tell this key from others later.');
    if (expiry === undefined) mistakes.push('Choose a date in the future for the key to expire, or another expiration.');
    if (!allRights && chosen.length === 0) mistakes.push('Choose at least one right, or give the key all current and future rights.');
    setInvalid(mistakes);
    if (mistakes.length) return;
    setBusy(true);
    setProblem(null);
    try {
      const key = await api.post<CreatedApiKey>(keysPath(props.userId), {
        description: description.trim(),
        expiresAt: expiry ? expiry.toISOString() : null,
        rights: allRights ? [ALL_RIGHTS] : chosen,
      });
      props.onGenerated(key);
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  }

  const toggle = (right: string, on: boolean) => setChosen((now) => (on ? [...now, right] : now.filter((r) => r !== right)));
  const tomorrow = isoDay(new Date(Date.now() + DAY_MS));

  return (
    <form class="form" onSubmit={submit} noValidate>
      {invalid.length > 0 && (
        <div class="message message-error" role="alert">
          <ul>
            {invalid.map((mistake) => (
              <li key={mistake}>{mistake}</li>
            ))}
          </ul>
        </div>
      )}
      <ErrorMessage problem={problem} />
      <label class="field">
        <span>Description</span>
        <input
          name="description"
          required
          maxLength={255}
          placeholder="e.g. Billing service, production"
          value={description}
          onInput={(event) => setDescription(event.currentTarget.value)}
        />
      </label>
      <div class="field-row">
        <div class="field">
          <label for="new-key-expiration">Expiration</label>
          <select
            id="new-key-expiration"
            name="expiration"
            value={expiration}
            onChange={(event) => setExpiration(event.currentTarget.value as Expiration)}
          >
            {EXPIRATIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        {expiration === 'date' && (
          <label class="field">
            <span>Expiration date</span>
            <input type="date" name="expirationDate" min={tomorrow} value={day} onInput={(event) => setDay(event.currentTarget.value)} />
          </label>
        )}
      </div>
      <p class="hint" aria-live="polite">
        {expiry === null
          ? 'The key works until you disable or delete it.'
          : expiry
            ? `The key stops working on ${expiration === 'date' ? `${formatDate(expiry)}, at the end of the day` : formatDateTime(expiry.toISOString())}.`
            : 'Pick the last day the key should work.'}
      </p>
      <fieldset class="rights">
        <legend>Rights</legend>
        <label class="choice">
          <input type="radio" name="rights-mode" checked={allRights} onChange={() => setAllRights(true)} />
          <span>
            All current and future rights
            <small>The key may do whatever its user may do, now and as rights are added.</small>
          </span>
        </label>
        <label class="choice">
          <input type="radio" name="rights-mode" checked={!allRights} onChange={() => setAllRights(false)} />
          <span>
            Only the rights chosen below
            <small>Every call made with the key is checked against these.</small>
          </span>
        </label>
        <div class={allRights ? 'right-list muted' : 'right-list'}>
          {catalog === null && !problem && <p class="hint">Loading the rights…</p>}
          {catalog?.map((right) => (
            <label class="choice" key={right.name}>
              <input
                type="checkbox"
                name="right"
                value={right.name}
                disabled={allRights}
                checked={chosen.includes(right.name)}
                onChange={(event) => toggle(right.name, event.currentTarget.checked)}
              />
              <span>
                <code>{right.name}</code>
                <small>{right.description}</small>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <div class="actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Generating…' : 'Generate'}
        </button>
      </div>
    </form>
  );
}

/** The key, this once, with a copy button: after this dialog closes nobody can see it again. */
function ShowKeyOnce({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('Copied to the clipboard.');
      return;
    } catch {
      // no clipboard permission (or not a secure origin): fall back to selecting the text
    }
    const input = field.current!;
    input.focus();
    input.select();
    let copiedBySelection = false;
    try {
      copiedBySelection = document.execCommand('copy');
    } catch {
      copiedBySelection = false;
    }
    setCopied(copiedBySelection ? 'Copied to the clipboard.' : 'The key is selected: press Ctrl+C (⌘C on a Mac) to copy it.');
  }

  return (
    <div class="form">
      <div class="message message-warning" role="alert">
        <strong>Copy the key now: it will not be shown again.</strong>
        <p>keygate keeps only a hash of the secret, so neither you nor an administrator can read it later. If it is lost, generate a new key and delete this one.</p>
      </div>
      <div class="field">
        <label for="new-api-key">API key “{created.description}”</label>
        <div class="key-box">
          <input
            id="new-api-key"
            ref={field}
            class="key-value"
            readOnly
            value={created.key}
            spellcheck={false}
            onFocus={(event) => event.currentTarget.select()}
          />
          <button type="button" class="primary" onClick={copy}>
            Copy
          </button>
        </div>
      </div>
      <p class="hint" role="status">
        {copied ?? ''}
      </p>
      <p class="hint">
        Send it with each request as <code>X-Authorization: ApiKey &lt;key&gt;</code> or <code>Authorization: Bearer &lt;key&gt;</code>.
      </p>
      <div class="actions">
        <button type="button" class="primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
