import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { CreatedApiKey } from './api';
import { ownerPhrase, type KeyOwner } from './key-owner';

/**
 * A new key, this once, with a copy button: after the dialog showing it closes nobody can see it again.
 * The generate and roll dialogs both end here; `note` is what the one showing it has to add.
 */
export function ShowKeyOnce({ created, owner, note, onDone }: { created: CreatedApiKey; owner: KeyOwner; note?: ComponentChildren; onDone: () => void }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | null>(null);

  async function copy() {
    setCopied(await copyToClipboard(created.key, field.current!, 'key'));
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
      {note && <p class="hint">{note}</p>}
      {created.ownerType === 'serviceAccount' && <p class="hint">Whoever holds it calls the API as {ownerPhrase(owner)}, within that account’s rights.</p>}
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

/**
 * Copies a secret shown once: with the clipboard when the browser allows it, else by selecting the
 * field's text and copying that. Returns what to tell the person.
 */
export async function copyToClipboard(text: string, input: HTMLInputElement, what: string): Promise<string> {
  try {
    await navigator.clipboard.writeText(text);
    return 'Copied to the clipboard.';
  } catch {
    // no clipboard permission (or not a secure origin): fall back to selecting the text
  }
  input.focus();
  input.select();
  let copiedBySelection = false;
  try {
    copiedBySelection = document.execCommand('copy');
  } catch {
    copiedBySelection = false;
  }
  return copiedBySelection ? 'Copied to the clipboard.' : `The ${what} is selected: press Ctrl+C (⌘C on a Mac) to copy it.`;
}
