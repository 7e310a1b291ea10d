import type { ApiKey } from './api-key.entity.js';
import { isIP } from 'node:net';

/** The most CIDRs a key may list. */
export const MAX_ALLOWED_CIDRS = 100;
/** Bounds of a key's rate limit: uses a window, and the window in seconds (up to a day). */
export const RATE_LIMIT_BOUNDS = { limit: { min: 1, max: 1_000_000 }, windowSeconds: { min: 1, max: 86_400 } } as const;
/** The largest metadata object, serialized as JSON (UTF-8 bytes). */
export const MAX_METADATA_BYTES = 4096;

/**
 * A CIDR as keygate stores it (`10.0.0.0/8`, `2001:db8::/32`; a bare address is a /32 or /128), or
 * null when it is not one. Only validation: matching is node's BlockList's.
 */
export function normalizeCidr(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 64) return null;
  const slash = value.indexOf('/');
  const address = slash === -1 ? value : value.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return null;
  const bits = version === 4 ? 32 : 128;
  if (slash === -1) return `${address.toLowerCase()}/${bits}`;
  const prefix = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) return null;
  return `${address.toLowerCase()}/${Number(prefix)}`;
}

/** Why a value cannot be a key's metadata, or null when it can: a JSON object of at most 4 KB. */
export function metadataProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'metadata must be a JSON object';
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_METADATA_BYTES) return `metadata must be at most ${MAX_METADATA_BYTES} bytes as JSON`;
  return null;
}

/** A key's restrictions and metadata as stored. */
export type KeyRestrictionFields = Pick<ApiKey, 'allowedCidrs' | 'rateLimit' | 'rateLimitWindowSeconds' | 'metadata'>;

/** What a create or PATCH body says of them, as stored: only the fields sent (null removes one). */
export function restrictionChanges(dto: {
  allowedCidrs?: string[] | null;
  rateLimit?: { limit: number; windowSeconds: number } | null;
  metadata?: Record<string, unknown> | null;
}): Partial<KeyRestrictionFields> {
  const changes: Partial<KeyRestrictionFields> = {};
  if (dto.allowedCidrs !== undefined) changes.allowedCidrs = dto.allowedCidrs === null ? null : [...new Set(dto.allowedCidrs.map((c) => normalizeCidr(c)!))];
  if (dto.rateLimit !== undefined) {
    changes.rateLimit = dto.rateLimit?.limit ?? null;
    changes.rateLimitWindowSeconds = dto.rateLimit?.windowSeconds ?? null;
  }
  if (dto.metadata !== undefined) changes.metadata = dto.metadata;
  return changes;
}

/** The fields as a create stores them: none sent is none set. */
export const NO_RESTRICTIONS: KeyRestrictionFields = { allowedCidrs: null, rateLimit: null, rateLimitWindowSeconds: null, metadata: null };
