import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { DomainError } from '../common/domain-error.js';

/**
 * Addresses a webhook may not reach (SSRF): loopback, private (RFC 1918, fc00::/7), link-local
 * (cloud metadata at 169.254.169.254 included), unspecified, shared, multicast, reserved and
 * documentation ranges. IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) match the IPv4 rules.
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['2002::', 16],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) NON_PUBLIC.addSubnet(network, prefix, 'ipv6');

/** True for an address on the public internet; false for anything else, or for no address at all. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !NON_PUBLIC.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** A URL keygate will not send to: its form, or where it leads. */
export class WebhookUrlRefused extends DomainError {
  readonly kind = 'invalid';

  constructor(reason: string) {
    super(`Webhook URL refused: ${reason}`);
  }
}

type Resolve = (host: string) => Promise<LookupAddress[]>;

const resolveAll: Resolve = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

/** The URL's host as an address or a name (`[::1]` loses its brackets). */
function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Checks a webhook URL before it is stored: `http(s)`, no user or password in it (lists show the
 * URL), and, unless private addresses are allowed, a host whose every address is public.
 */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean, resolve: Resolve = resolveAll): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlRefused('not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookUrlRefused('only http and https are allowed');
  if (url.username || url.password) throw new WebhookUrlRefused('a user or password in the URL would be shown in every list; put a token in the path instead');
  if (allowPrivate) return url;
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await resolve(host)).map((a) => a.address);
    } catch {
      addresses = [];
    }
  }
  // one answer for a name that does not resolve and one that resolves inside: neither says which, nor where
  // (the server's own DNS would otherwise answer a tenant's questions about the internal network)
  if (addresses.length === 0 || addresses.some((address) => !isPublicAddress(address))) {
    throw new WebhookUrlRefused(`${host} does not resolve to a public address (loopback, private and link-local addresses are refused)`);
  }
  return url;
}

/**
 * The `lookup` of a delivery's connection: the addresses are checked where the socket gets them,
 * so a name that resolved to a public address when the webhook was created and to a private one
 * now (DNS rebinding) is refused, with no gap between the check and the connection.
 */
export function publicOnlyLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return (callback as (e: Error) => void)(error);
      const list = addresses as LookupAddress[];
      const refused = list.find((a) => !isPublicAddress(a.address));
      if (!allowPrivate && (refused || list.length === 0)) {
        return (callback as (e: Error) => void)(new WebhookUrlRefused(`${hostname} resolves to ${refused?.address ?? 'nothing'}, a non-public address`));
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

/** The literal address in a URL, when its host is one (no lookup happens for it), refused unless public. */
export function assertLiteralHostAllowed(url: URL, allowPrivate: boolean): void {
  const host = hostOf(url);
  if (!allowPrivate && isIP(host) && !isPublicAddress(host)) throw new WebhookUrlRefused(`${host} is a non-public address`);
}
