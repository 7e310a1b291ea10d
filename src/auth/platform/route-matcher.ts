import type { RouteRule } from '../../rights/access-policy.js';

/** The longest original URI taken: past it, the request is refused rather than matched. */
const MAX_URI_LENGTH = 8192;

/** A request URI that no rule may be matched against: answered 400. */
export class UnusableUri extends Error {}

/**
 * The decoded segments of an original request's path, the query string and fragment ignored. A
 * path a gateway and its upstream could read differently is refused, not matched: a relative or
 * absolute-form URI, a dot segment (`..` would climb out of the route a rule names), an encoded
 * slash or backslash, a control character, broken percent-encoding.
 */
export function pathSegments(uri: string): string[] {
  if (uri.length > MAX_URI_LENGTH) throw new UnusableUri(`The original URI is longer than ${MAX_URI_LENGTH} characters`);
  if (!uri.startsWith('/')) throw new UnusableUri('The original URI must be a path starting with /, such as /v1/devices/7');
  const end = uri.search(/[?#]/);
  const path = end === -1 ? uri : uri.slice(0, end);
  return path
    .slice(1)
    .split('/')
    .map((raw) => {
      let segment: string;
      try {
        segment = decodeURIComponent(raw);
      } catch {
        throw new UnusableUri('The original URI has broken percent-encoding');
      }
      if (segment === '.' || segment === '..' || /[/\\\u0000-\u001f\u007f]/.test(segment)) {
        throw new UnusableUri('The original URI has a dot segment, an encoded slash or backslash, or a control character');
      }
      return segment;
    });
}

/** The first rule whose method and path match (`*` one non-empty segment, a final `**` any rest); a GET rule covers HEAD. */
export function matchRoute(rules: readonly RouteRule[], method: string, segments: readonly string[]): RouteRule | undefined {
  return rules.find((rule) => methodMatches(rule.methods, method) && pathMatches(rule.segments, segments));
}

function methodMatches(methods: ReadonlySet<string>, method: string): boolean {
  return methods.has('*') || methods.has(method) || (method === 'HEAD' && methods.has('GET'));
}

function pathMatches(pattern: readonly string[], segments: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i]!;
    if (part === '**') return true;
    const segment = segments[i];
    if (segment === undefined || (part === '*' ? segment === '' : part !== segment)) return false;
  }
  return pattern.length === segments.length;
}
