import { UsageError } from './cli-error.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const MAX_SECONDS = 2_592_000;

/** `--overlap` as seconds: `0`, `90s`, `30m`, `24h`, `7d` (at most 30 days), checked here so a typo costs no request. */
export function parseOverlap(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)([smhd]?)$/.exec(text.trim().toLowerCase());
  if (!match) throw new UsageError(`--overlap "${text}" is not a duration; write it like 0, 30m, 24h or 7d`);
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] || 's']!;
  if (seconds > MAX_SECONDS) throw new UsageError(`--overlap ${text} is longer than 30 days (30d)`);
  return seconds;
}
