import { useState } from 'preact/hooks';
import { api, keyPath, type ApiKey, type CreatedApiKey } from './api';
import { ErrorMessage, Modal, useSubmit } from './components';
import { formatDateTime } from './format';
import type { KeyOwner } from './key-owner';
import { ShowKeyOnce } from './show-key-once';

const HOUR = 60 * 60;
/** How long the old key keeps working beside the new one (the server takes 0 to 30 days). */
const OVERLAPS: { seconds: number; label: string }[] = [
  { seconds: 0, label: 'Now' },
  { seconds: HOUR, label: 'In 1 hour' },
  { seconds: 24 * HOUR, label: 'In 1 day' },
  { seconds: 7 * 24 * HOUR, label: 'In 7 days' },
];
const DEFAULT_OVERLAP = 24 * HOUR;

/** When the old key stops working if it is rolled at `now`: after the overlap, or at its own expiry if that comes first. */
function oldKeyEnd(key: ApiKey, overlapSeconds: number, now = Date.now()): { at: Date; ownExpiry: boolean } {
  const afterOverlap = now + overlapSeconds * 1000;
  const own = key.expiresAt ? Date.parse(key.expiresAt) : Infinity;
  return own < afterOverlap ? { at: new Date(own), ownExpiry: true } : { at: new Date(afterOverlap), ownExpiry: false };
}

/** What the dialog says of the old key once it is rolled. */
function afterRoll(rolled: { overlapSeconds: number; oldEnds: Date }): string {
  if (rolled.overlapSeconds === 0) return 'The old key no longer works.';
  return `The old key keeps working until ${formatDateTime(rolled.oldEnds.toISOString())}: give your programs the new key before then.`;
}

/**
 * Rolls an active key (POST …/api-keys/{keyId}/roll): a new key with the same description, rights,
 * expiry and restrictions, shown once, while the old one keeps working for the overlap chosen and is then refused.
 */
export function RollDialog(props: { owner: KeyOwner; apiKey: ApiKey; onRolled: (key: CreatedApiKey) => void; onClose: () => void }) {
  const [rolled, setRolled] = useState<{ created: CreatedApiKey; overlapSeconds: number; oldEnds: Date } | null>(null);
  return (
    <Modal title={rolled ? 'Your new API key' : 'Roll this API key'} onClose={props.onClose} wide={rolled !== null}>
      {rolled ? (
        <ShowKeyOnce created={rolled.created} owner={props.owner} note={afterRoll(rolled)} onDone={props.onClose} />
      ) : (
        <RollForm
          {...props}
          onRolled={(created, overlapSeconds, oldEnds) => {
            setRolled({ created, overlapSeconds, oldEnds });
            props.onRolled(created);
          }}
        />
      )}
    </Modal>
  );
}

function RollForm(props: { owner: KeyOwner; apiKey: ApiKey; onRolled: (key: CreatedApiKey, overlapSeconds: number, oldEnds: Date) => void; onClose: () => void }) {
  const { apiKey } = props;
  const [overlapSeconds, setOverlapSeconds] = useState(DEFAULT_OVERLAP);
  const { problem, busy, submit } = useSubmit();
  const end = oldKeyEnd(apiKey, overlapSeconds);

  function roll(event: Event) {
    event.preventDefault();
    void submit([], async () => {
      const rolledAt = Date.now();
      const created = await api.post<CreatedApiKey>(`${keyPath(props.owner.keysPath, apiKey.id)}/roll`, { overlapSeconds });
      props.onRolled(created, overlapSeconds, oldKeyEnd(apiKey, overlapSeconds, rolledAt).at);
    });
  }

  return (
    <form class="form" onSubmit={roll} noValidate>
      <ErrorMessage problem={problem} />
      <p>
        “<strong>{apiKey.description}</strong>” is replaced by a new key with the same description, rights, expiry and restrictions (
        {apiKey.expiresAt ? formatDateTime(apiKey.expiresAt) : 'never'}). The new key is shown once. Keep the old one working long enough to
        give the new key to every program that uses it.
      </p>
      <fieldset class="choices">
        <legend>The old key stops working</legend>
        {OVERLAPS.map((overlap) => (
          <label class="choice" key={overlap.seconds}>
            <input type="radio" name="overlap" checked={overlapSeconds === overlap.seconds} onChange={() => setOverlapSeconds(overlap.seconds)} />
            <span>{overlap.label}</span>
          </label>
        ))}
      </fieldset>
      <p class="hint" aria-live="polite">
        {overlapSeconds === 0
          ? 'Programs still using the old key are refused from the moment the new key is made.'
          : `The old key works until ${formatDateTime(end.at.toISOString())}${end.ownExpiry ? ', when it expires anyway' : ''}, then is refused as expired.`}
      </p>
      <div class="actions">
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Rolling…' : 'Roll'}
        </button>
      </div>
    </form>
  );
}
