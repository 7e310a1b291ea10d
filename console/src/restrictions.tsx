import { useState } from 'preact/hooks';
import { api, keyPath, type ApiKey } from './api';
import { ErrorMessage, Mistakes, Modal, useSubmit } from './components';

/** A key's restrictions as the form holds them: text, as typed. */
export interface RestrictionsDraft {
  cidrs: string;
  limit: string;
  windowSeconds: string;
  metadata: string;
}

export const NO_RESTRICTIONS: RestrictionsDraft = { cidrs: '', limit: '', windowSeconds: '', metadata: '' };

/** The form's text for a key's restrictions. */
export function draftOf(key: ApiKey): RestrictionsDraft {
  return {
    cidrs: key.allowedCidrs?.join('\n') ?? '',
    limit: key.rateLimit ? String(key.rateLimit.limit) : '',
    windowSeconds: key.rateLimit ? String(key.rateLimit.windowSeconds) : '',
    metadata: key.metadata ? JSON.stringify(key.metadata, null, 2) : '',
  };
}

type RestrictionsBody = Pick<ApiKey, 'allowedCidrs' | 'rateLimit' | 'metadata'>;

/** The body fields for a draft (empty: none, null), or the mistakes in it; the server checks the ranges. */
export function restrictionsOf(draft: RestrictionsDraft): { mistakes: (string | undefined)[]; body: RestrictionsBody } {
  const cidrs = draft.cidrs.split(/[\s,]+/).filter(Boolean);
  const limit = draft.limit.trim();
  const windowSeconds = draft.windowSeconds.trim();
  const whole = (text: string) => /^\d+$/.test(text);
  let metadata: unknown = null;
  let metadataMistake: string | undefined;
  if (draft.metadata.trim()) {
    try {
      metadata = JSON.parse(draft.metadata);
    } catch {
      metadataMistake = 'Metadata must be JSON, such as {"service": "billing"}.';
    }
    if (!metadataMistake && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))) metadataMistake = 'Metadata must be a JSON object, such as {"service": "billing"}.';
  }
  const rateMistake =
    (limit || windowSeconds) && !(whole(limit) && whole(windowSeconds)) ? 'Give the rate limit as a whole number of requests and of seconds, or leave both empty.' : undefined;
  return {
    mistakes: [rateMistake, metadataMistake],
    body: {
      allowedCidrs: cidrs.length ? cidrs : null,
      rateLimit: limit && windowSeconds && !rateMistake ? { limit: Number(limit), windowSeconds: Number(windowSeconds) } : null,
      metadata: metadataMistake ? null : (metadata as RestrictionsBody['metadata']),
    },
  };
}

/** Where from and how often the key may be used, and what verify hands back with it. */
export function RestrictionsFields(props: { draft: RestrictionsDraft; onChange: (draft: RestrictionsDraft) => void }) {
  const set = (field: keyof RestrictionsDraft) => (event: { currentTarget: { value: string } }) => props.onChange({ ...props.draft, [field]: event.currentTarget.value });
  return (
    <fieldset class="restrictions">
      <legend>Restrictions</legend>
      <label class="field">
        <span>Allowed addresses</span>
        <textarea name="allowedCidrs" rows={2} placeholder="e.g. 203.0.113.0/24, 2001:db8::/32" value={props.draft.cidrs} onInput={set('cidrs')} />
      </label>
      <p class="hint">IPv4 or IPv6 ranges (CIDR) or single addresses, one per line. Empty: any address.</p>
      <div class="field-row">
        <label class="field">
          <span>Rate limit: requests</span>
          <input name="rateLimit" inputMode="numeric" placeholder="e.g. 100" value={props.draft.limit} onInput={set('limit')} />
        </label>
        <label class="field">
          <span>per seconds</span>
          <input name="rateLimitWindow" inputMode="numeric" placeholder="e.g. 60" value={props.draft.windowSeconds} onInput={set('windowSeconds')} />
        </label>
      </div>
      <p class="hint">Counted across all keygate servers. Empty: no limit.</p>
      <label class="field">
        <span>Metadata (JSON)</span>
        <textarea name="metadata" rows={3} placeholder='e.g. {"service": "billing"}' value={props.draft.metadata} onInput={set('metadata')} />
      </label>
      <p class="hint">Returned with the key when a service verifies it. At most 4 KB; not for secrets.</p>
    </fieldset>
  );
}

/** A key's restrictions in a table cell. */
export function restrictionsText(key: ApiKey): string {
  const parts: string[] = [];
  if (key.allowedCidrs) parts.push(key.allowedCidrs.length === 1 ? key.allowedCidrs[0]! : `${key.allowedCidrs.length} address ranges`);
  if (key.rateLimit) parts.push(`${key.rateLimit.limit} per ${key.rateLimit.windowSeconds} s`);
  if (key.metadata) parts.push('metadata');
  return parts.length ? parts.join(' · ') : 'None';
}

/** Changes a key's restrictions and metadata. */
export function RestrictionsDialog(props: { keysPath: string; apiKey: ApiKey; onSaved: (key: ApiKey) => void; onClose: () => void }) {
  const [draft, setDraft] = useState(draftOf(props.apiKey));
  const { mistakes, problem, busy, submit } = useSubmit();

  function save(event: Event) {
    event.preventDefault();
    const { mistakes: found, body } = restrictionsOf(draft);
    void submit(found, async () => props.onSaved(await api.patch<ApiKey>(keyPath(props.keysPath, props.apiKey.id), body)));
  }

  return (
    <Modal title={`Restrictions of “${props.apiKey.description}”`} onClose={props.onClose} wide>
      <form class="form" onSubmit={save} noValidate>
        <Mistakes mistakes={mistakes} />
        <ErrorMessage problem={problem} />
        <RestrictionsFields draft={draft} onChange={setDraft} />
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
