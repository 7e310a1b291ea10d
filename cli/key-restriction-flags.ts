import { UsageError } from './cli-error.js';
import type { Flag, FlagValues } from './command.js';

/** The restriction flags of `create` and `update`; on update, `none` removes a restriction. */
export function keyRestrictionFlags(update: boolean): Flag[] {
  const remove = update ? '; none removes them' : '';
  return [
    { name: 'allowed-cidr', type: 'string', multiple: true, value: '<cidr>', description: `an address range the key may be used from, e.g. 10.0.0.0/8 or 2001:db8::/32; repeat for more (at most 100)${remove}` },
    { name: 'rate-limit', type: 'string', value: '<n/window>', description: `at most n uses a window, for the whole cluster, e.g. 6/60s, 100/1m, 5000/1h${update ? '; none removes it' : ''}` },
    { name: 'metadata', type: 'string', value: '<json>', description: `a JSON object verify hands back, e.g. '{"service":"billing"}' (at most 4 KB)${update ? '; none removes it' : ''}` },
  ];
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** The body fields the restriction flags give (absent when not given, null when `none`). */
export function keyRestrictions(values: FlagValues, update: boolean) {
  const cidrs = values['allowed-cidr'] as string[] | undefined;
  const rate = values['rate-limit'] as string | undefined;
  const metadata = values.metadata as string | undefined;
  const none = (text: string | undefined) => update && text?.trim().toLowerCase() === 'none';
  return {
    allowedCidrs: cidrs === undefined ? undefined : cidrs.length === 1 && none(cidrs[0]) ? null : cidrs.map((c) => c.trim()),
    rateLimit: rate === undefined ? undefined : none(rate) ? null : parseRateLimit(rate),
    metadata: metadata === undefined ? undefined : none(metadata) ? null : parseMetadata(metadata),
  };
}

/** `6/60s`, `100/1m`, `6/60` (seconds): the server checks the bounds. */
export function parseRateLimit(text: string): { limit: number; windowSeconds: number } {
  const match = /^(\d+)\s*\/\s*(\d*)([smhd]?)$/.exec(text.trim().toLowerCase());
  if (!match || (match[2] === '' && match[3] === '')) throw new UsageError(`--rate-limit "${text}" is not a limit; write it like 6/60s, 100/1m or 5000/1h`);
  return { limit: Number(match[1]), windowSeconds: Number(match[2] || 1) * UNIT_SECONDS[match[3] || 's']! };
}

function parseMetadata(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`--metadata is not JSON: give an object such as '{"service":"billing"}'`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('--metadata must be a JSON object, such as \'{"service":"billing"}\'');
  return parsed as Record<string, unknown>;
}

/** A key's restrictions in a table cell: `-` when none. */
export function restrictionsCell(key: { allowedCidrs?: string[] | null; rateLimit?: { limit: number; windowSeconds: number } | null }): string {
  const parts: string[] = [];
  if (key.allowedCidrs) parts.push(key.allowedCidrs.length === 1 ? key.allowedCidrs[0]! : `${key.allowedCidrs.length} CIDRs`);
  if (key.rateLimit) parts.push(`${key.rateLimit.limit}/${key.rateLimit.windowSeconds}s`);
  return parts.length ? parts.join(' ') : '-';
}
