/** What stands in a log line or an error message for a secret taken out of it. */
export const REDACTED = '[REDACTED]';

/** A separator inside a key-shaped value: a %-escape (`%2E`), or any one character but a letter, a digit or a space. */
const SEP = '(?:%[0-9A-Fa-f]{2}|[^A-Za-z0-9\\s])';

/**
 * `NNSXS` (any case), up to three separators, a run of 8 or more letters and digits, then
 * whatever further runs follow separators: a key, and the near-misses a person pastes (a wrong
 * separator, lower case, a %-encoded dot, a secret with no id). Not the words of a message that
 * merely names the format (`NNSXS.<39 base32>`): the run after `NNSXS` is too short there.
 */
const KEY_SHAPED = new RegExp(
  // text redacted before (an error's message, then logged) stays as it is: `NNSXS.[REDACTED]`, `NNSXS.<id>.[REDACTED]`
  `NNSXS(?!${SEP}{0,2}\\[REDACTED\\])(${SEP}{0,3})([A-Za-z0-9]{8,})(?:(${SEP}{1,3}?)(?:\\[REDACTED\\]|[A-Za-z0-9]+)(?:${SEP}{1,3}[A-Za-z0-9]+)*)?`,
  'gi',
);

/** Three base64url segments, the first a JSON header (`eyJ` is `{"`), separated by dots or %2E. */
const JWT_SHAPED = /eyJ[A-Za-z0-9_-]+(?:\.|%2[Ee])[A-Za-z0-9_-]+(?:\.|%2[Ee])[A-Za-z0-9_-]*/g;

const ID_LENGTH = 39;

/**
 * The text with every key-shaped value's secret and every JWT-shaped value replaced by `[REDACTED]`,
 * for anything that echoes what a client sent (the request log's path, an error's message).
 *
 * A key keeps its id, `NNSXS.<id>.[REDACTED]`, when it has one (39 characters, then more): the id is
 * public (key lists, the audit trail and the request log's `apiKeyId` show it) and names
 * the key to revoke once its secret has been pasted somewhere. Anything else after `NNSXS` may be
 * a secret, so all of it goes. A JWT goes whole: its payload names a user, and no part is needed
 * to revoke it.
 */
export function redactSecrets(text: string): string {
  return text.replace(KEY_SHAPED, redactKey).replace(JWT_SHAPED, REDACTED);
}

function redactKey(match: string, leading: string, first: string, between: string | undefined): string {
  const prefix = match.slice(0, 5);
  if (first.length === ID_LENGTH && between !== undefined) return `${prefix}${leading}${first}${between}${REDACTED}`;
  return `${prefix}${leading}${REDACTED}`;
}
