import { describe, expect, it } from 'vitest';
import { parseAccessPolicy } from '../../rights/access-policy.js';
import { matchRoute, pathSegments, UnusableUri } from './route-matcher.js';

const { routes } = parseAccessPolicy({
  rights: [
    { name: 'RIGHT_TELEMETRY_READ', description: 'Read telemetry' },
    { name: 'RIGHT_DEVICES_READ', description: 'Read devices' },
    { name: 'RIGHT_DEVICES_WRITE', description: 'Change devices' },
  ],
  routes: [
    { method: 'GET', path: '/v1/status', public: true },
    { method: 'GET', path: '/v1/telemetry/**', right: 'RIGHT_TELEMETRY_READ' },
    { method: 'GET', path: '/v1/devices/*/config', right: 'RIGHT_DEVICES_WRITE' },
    { method: 'GET', path: '/v1/devices/**', right: 'RIGHT_DEVICES_READ' },
    { method: ['POST', 'PUT', 'PATCH', 'DELETE'], path: '/v1/devices/**', right: 'RIGHT_DEVICES_WRITE' },
  ],
});

const decide = (method: string, uri: string) => {
  const rule = matchRoute(routes, method, pathSegments(uri));
  return rule === undefined ? 'denied' : rule.public ? 'public' : rule.right;
};

describe('matchRoute', () => {
  it.each([
    ['GET', '/v1/status', 'public'],
    ['HEAD', '/v1/status', 'public'],
    ['POST', '/v1/status', 'denied'],
    ['GET', '/v1/status/', 'denied'],
    ['GET', '/v1/status?verbose=1', 'public'],
    ['GET', '/v1/telemetry', 'RIGHT_TELEMETRY_READ'],
    ['GET', '/v1/telemetry/a/b/c?from=0', 'RIGHT_TELEMETRY_READ'],
    ['GET', '/v1/devices/7/config', 'RIGHT_DEVICES_WRITE'],
    ['GET', '/v1/devices//config', 'RIGHT_DEVICES_READ'],
    ['GET', '/v1/devices/7', 'RIGHT_DEVICES_READ'],
    ['GET', '/v1/%64evices/7', 'RIGHT_DEVICES_READ'],
    ['DELETE', '/v1/devices/7', 'RIGHT_DEVICES_WRITE'],
    ['OPTIONS', '/v1/devices/7', 'denied'],
    ['GET', '/v2/anything', 'denied'],
    ['GET', '/', 'denied'],
  ])('%s %s: %s', (method, uri, expected) => {
    expect(decide(method, uri)).toBe(expected);
  });

  it.each([
    ['relative', 'v1/status'],
    ['absolute-form', 'http://example.test/v1/status'],
    ['a dot segment', '/v1/telemetry/../devices/7'],
    ['an encoded dot segment', '/v1/telemetry/%2e%2e/devices/7'],
    ['an encoded slash', '/v1/telemetry%2F..%2Fdevices/7'],
    ['a backslash', '/v1/telemetry/..%5Cdevices'],
    ['broken percent-encoding', '/v1/%E0%A4%A'],
    ['a control character', '/v1/%00/x'],
    ['an absurd length', `/${'a'.repeat(9000)}`],
  ])('refuses %s', (_name, uri) => {
    expect(() => pathSegments(uri)).toThrow(UnusableUri);
  });
});
