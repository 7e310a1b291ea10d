import { ValidateBy } from 'class-validator';
import { isIP } from 'node:net';

/**
 * Which X-Forwarded-For entries keygate believes: none (`false`), the last `n` hops, or those added
 * by proxies at the given addresses/CIDRs. The client is the rightmost entry not believed, so
 * whatever a client writes to the left of what its proxies add is ignored.
 */
export type TrustProxy = false | number | string[];

/** A TRUST_PROXY value that cannot be read, with the reason, for the boot-time message. */
export class InvalidTrustProxy {
  constructor(readonly reason: string) {}
}

/**
 * What `TRUST_PROXY=true` now means: a proxy on this host. It used to trust every hop, so the
 * client wrote its own address; read as loopback it cannot, whoever connects (createApp warns).
 */
export const TRUE_MEANS_LOOPBACK: string[] = ['loopback'];

const MAX_HOPS = 10;
/** Names proxy-addr (Fastify's trustProxy) knows for its ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const USAGE = 'give a hop count (e.g. 1) or the proxies\' addresses or CIDRs, comma-separated (e.g. 127.0.0.1,10.0.0.0/8), or false';

/** Reads TRUST_PROXY: undefined (the default) when absent, else the setting or why it is wrong. */
export function parseTrustProxy(raw: unknown): TrustProxy | InvalidTrustProxy | undefined {
  if (raw === undefined) return undefined;
  if (raw === false || raw === true) return raw ? TRUE_MEANS_LOOPBACK : false;
  const value = String(raw).trim();
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return TRUE_MEANS_LOOPBACK;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops <= MAX_HOPS ? hops : new InvalidTrustProxy(`a hop count is at most ${MAX_HOPS}, not ${value}`);
  }
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const problem = entryProblem(entry);
    if (problem) return new InvalidTrustProxy(`${problem}; ${USAGE}`);
  }
  return entries;
}

function entryProblem(entry: string): string | undefined {
  if (entry === '') return 'an empty entry in the list';
  if (NAMED_RANGES.has(entry)) return undefined;
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return `"${entry.slice(0, 60)}" is not an IP address or CIDR`;
  if (slash === -1) return undefined;
  const prefix = entry.slice(slash + 1);
  const bits = version === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) return `"${entry.slice(0, 60)}": the prefix length must be 1-${bits}`;
  // a /0 trusts every address, which is the hole a hop count or an address list closes
  if (Number(prefix) === 0) return `"${entry}" trusts every address, so any client could choose its own`;
  return undefined;
}

/** Fastify's `trustProxy` for a setting. Fastify refuses hop counts itself, so a count becomes a function of the hop. */
export function fastifyTrustProxy(setting: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  const hops = setting;
  return hops === 0 ? false : (_address, hop) => hop < hops;
}

/** Validates a TRUST_PROXY that `parseTrustProxy` read, with its reason as the message. */
export function IsTrustProxy(): PropertyDecorator {
  return ValidateBy({
    name: 'isTrustProxy',
    validator: {
      validate: (value) => !(value instanceof InvalidTrustProxy),
      defaultMessage: (args) => (args?.value as InvalidTrustProxy).reason,
    },
  });
}
