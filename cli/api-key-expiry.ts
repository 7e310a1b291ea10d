import { UsageError } from './cli-error.js';

const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const EXAMPLE = '2027-11-23T00:00:00Z';

/** What `--api-key-expiry` may say besides a time: on update, the key stops expiring. */
export const NEVER = 'never';

/** `--api-key-expiry` as the server's ISO time, checked here so a mistyped or past time costs no request. */
export function parseApiKeyExpiry(text: string | undefined, { allowNever = false, now = Date.now() } = {}): string | null | undefined {
  if (text === undefined) return undefined;
  if (allowNever && text.trim().toLowerCase() === NEVER) return null;
  const at = rfc3339Time(text.trim());
  if (at === undefined) {
    const alternative = allowNever ? ` or "${NEVER}"` : '';
    throw new UsageError(`--api-key-expiry "${text}" is not an RFC 3339 time; write it like ${EXAMPLE}${alternative}`);
  }
  if (at <= now) {
    throw new UsageError(`--api-key-expiry ${text} is in the past; give a future time like ${futureExample(now)}`);
  }
  return new Date(at).toISOString();
}

/** Milliseconds since the epoch, or undefined when the text is not a valid RFC 3339 date-time. */
function rfc3339Time(text: string): number | undefined {
  const match = RFC_3339.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  // Date.parse rolls February 30 over into March; a calendar date must exist as written
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  const at = Date.parse(text.replace(' ', 'T').toUpperCase());
  return Number.isNaN(at) ? undefined : at;
}

function futureExample(now: number): string {
  const nextYear = new Date(now).getUTCFullYear() + 1;
  return `${nextYear}-01-01T00:00:00Z`;
}
