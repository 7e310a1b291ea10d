import { useState } from 'preact/hooks';
import { api, type CreatedApiKey } from './api';
import { ErrorMessage, Mistakes, Modal, useSubmit } from './components';
import { formatDate, formatDateTime } from './format';
import type { KeyOwner } from './key-owner';
import { NO_RESTRICTIONS, RestrictionsFields, restrictionsOf } from './restrictions';
import { RightsField, missingRights, rightsOf, type RightsChoice } from './rights';
import { ShowKeyOnce } from './show-key-once';

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

export function GenerateDialog(props: { owner: KeyOwner; onGenerated: (key: CreatedApiKey) => void; onClose: () => void }) {
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const title = created ? 'Your new API key' : props.owner.name ? `Generate an API key for ${props.owner.name}` : 'Generate an API key';
  return (
    <Modal title={title} onClose={props.onClose} wide>
      {created ? (
        <ShowKeyOnce created={created} owner={props.owner} onDone={props.onClose} />
      ) : (
        <GenerateForm
          owner={props.owner}
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

function GenerateForm(props: { owner: KeyOwner; onCancel: () => void; onGenerated: (key: CreatedApiKey) => void }) {
  const [description, setDescription] = useState('');
  const [expiration, setExpiration] = useState<Expiration>('never');
  const [day, setDay] = useState('');
  // all current and future rights (RIGHT_ALL), as the server gives a key created without rights
  const [rights, setRights] = useState<RightsChoice>({ all: true, chosen: [] });
  const [restrictions, setRestrictions] = useState(NO_RESTRICTIONS);
  const { mistakes, problem, busy, submit } = useSubmit();

  const expiry = expiryFor(expiration, day);

  function generate(event: Event) {
    event.preventDefault();
    const restricted = restrictionsOf(restrictions);
    const found = [
      description.trim() ? undefined : 'Enter a description, so you can tell this key from others later.',
      expiry === undefined ? 'Choose a date in the future for the key to expire, or another expiration.' : undefined,
      missingRights(rights, 'key'),
      ...restricted.mistakes,
    ];
    void submit(found, async () => {
      const key = await api.post<CreatedApiKey>(props.owner.keysPath, {
        description: description.trim(),
        expiresAt: expiry ? expiry.toISOString() : null,
        rights: rightsOf(rights),
        ...restricted.body,
      });
      props.onGenerated(key);
    });
  }

  const tomorrow = isoDay(new Date(Date.now() + DAY_MS));

  return (
    <form class="form" onSubmit={generate} noValidate>
      <Mistakes mistakes={mistakes} />
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
      <RightsField
        choice={rights}
        onChange={setRights}
        offered={props.owner.offered}
        allHint={`The key may do whatever ${props.owner.type === 'serviceAccount' ? 'the service account' : 'its user'} may do, now and as rights are added.`}
      />
      <RestrictionsFields draft={restrictions} onChange={setRestrictions} />
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
