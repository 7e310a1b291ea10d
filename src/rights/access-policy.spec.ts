import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccessPolicyError, loadAccessPolicy, parseAccessPolicy } from './access-policy.js';
import { Authority } from './authority.js';
import { Right } from './right.js';
import { assertGrantable, RightsCatalog } from './rights-catalog.js';

const RIGHTS = [
  { name: 'RIGHT_TELEMETRY_READ', description: 'Read telemetry' },
  { name: 'RIGHT_DEVICES_READ', description: 'Read devices' },
  { name: 'RIGHT_DEVICES_WRITE', description: 'Change devices' },
];
const POLICY = {
  rights: RIGHTS,
  groups: { RIGHT_DEVICES_ALL: ['RIGHT_DEVICES_READ', 'RIGHT_DEVICES_WRITE'] },
  authorities: { TENANT_ADMIN: ['RIGHT_TELEMETRY_READ', 'RIGHT_DEVICES_ALL'], CUSTOMER_USER: ['RIGHT_DEVICES_READ'] },
  routes: [{ method: 'GET', path: '/v1/devices/**', right: 'RIGHT_DEVICES_READ' }],
};

function fileWith(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'keygate-policy-')), 'policy.json');
  writeFileSync(file, text);
  return file;
}

describe('loadAccessPolicy', () => {
  it('has only keygate\'s rights without a file', () => {
    expect(new RightsCatalog(loadAccessPolicy(undefined)).platform.size).toBe(0);
  });

  it.each([
    ['not JSON', '{"rights": [', /is not JSON/],
    ['not an object', '[]', /must be a JSON object/],
    ['an unknown field', '{"right": []}', /unknown field\(s\) right/],
    ['a right named twice', JSON.stringify({ rights: [RIGHTS[0], RIGHTS[0]] }), /rights\[1\]: RIGHT_TELEMETRY_READ is named twice/],
    ["one of keygate's names", JSON.stringify({ rights: [{ name: 'RIGHT_USER_INFO', description: 'x' }] }), /RIGHT_USER_INFO is one of keygate's own rights/],
    ['a name of the wrong shape', JSON.stringify({ rights: [{ name: 'telemetry', description: 'x' }] }), /must match/],
    ['no description', JSON.stringify({ rights: [{ name: 'RIGHT_X' }] }), /description must be a string/],
    ['a group of unknown rights', JSON.stringify({ rights: RIGHTS, groups: { RIGHT_G: ['RIGHT_NOPE'] } }), /groups.RIGHT_G names rights the policy does not define: "RIGHT_NOPE"/],
    ['a group named like a right', JSON.stringify({ rights: RIGHTS, groups: { RIGHT_DEVICES_READ: ['RIGHT_DEVICES_WRITE'] } }), /named twice/],
    ['an unknown authority', JSON.stringify({ authorities: { ROOT: [] } }), /the authorities are TENANT_ADMIN and CUSTOMER_USER/],
    ['rights for SYS_ADMIN', JSON.stringify({ authorities: { SYS_ADMIN: [] } }), /holds every right already/],
    ['an authority given an unknown right', JSON.stringify({ rights: RIGHTS, authorities: { CUSTOMER_USER: ['RIGHT_NOPE'] } }), /RIGHT_NOPE/],
    ['a route with an unknown right', JSON.stringify({ routes: [{ method: 'GET', path: '/x', right: 'RIGHT_NOPE' }] }), /routes\[0\] \(\/x\): right "RIGHT_NOPE"/],
    ['a route with a group', JSON.stringify({ ...POLICY, routes: [{ method: 'GET', path: '/x', right: 'RIGHT_DEVICES_ALL' }] }), /a group is not a route's right/],
    ['a route with neither right nor public', JSON.stringify({ routes: [{ method: 'GET', path: '/x' }] }), /give either "right" or "public": true/],
    ['a route with both', JSON.stringify({ routes: [{ method: 'GET', path: '/x', public: true, right: 'RIGHT_USER_INFO' }] }), /give either/],
    ['a relative pattern', JSON.stringify({ routes: [{ method: 'GET', path: 'v1/x', public: true }] }), /must start with \//],
    ['** before the end', JSON.stringify({ routes: [{ method: 'GET', path: '/v1/**/x', public: true }] }), /\*\* may only end a pattern/],
    ['a partial wildcard', JSON.stringify({ routes: [{ method: 'GET', path: '/v1/dev*', public: true }] }), /is not a literal, \* or \*\*/],
    ['a dot segment', JSON.stringify({ routes: [{ method: 'GET', path: '/v1/../x', public: true }] }), /is not a literal/],
    ['an unknown method', JSON.stringify({ routes: [{ method: 'FETCH', path: '/x', public: true }] }), /method must be one of/],
  ])('stops the start naming the problem: %s', (_name, text, message) => {
    const file = fileWith(text);
    expect(() => loadAccessPolicy(file)).toThrow(AccessPolicyError);
    expect(() => loadAccessPolicy(file)).toThrow(message);
    expect(() => loadAccessPolicy(file)).toThrow(file);
  });

  it('names a file it cannot read', () => {
    expect(() => loadAccessPolicy('/nonexistent/policy.json')).toThrow(/ACCESS_POLICY_FILE \/nonexistent\/policy.json cannot be read/);
  });
});

describe('RightsCatalog with a policy', () => {
  const sut = new RightsCatalog(parseAccessPolicy(POLICY));

  it("lists keygate's rights, then the platform's, then its groups with their members", () => {
    expect(sut.entries.filter((e) => e.origin === 'policy')).toEqual([
      ...RIGHTS.map((r) => ({ ...r, origin: 'policy' })),
      { name: 'RIGHT_DEVICES_ALL', description: 'Group: RIGHT_DEVICES_READ, RIGHT_DEVICES_WRITE', origin: 'policy', members: ['RIGHT_DEVICES_READ', 'RIGHT_DEVICES_WRITE'] },
    ]);
    expect(sut.entries.find((e) => e.name === Right.ALL)!.members).toContain('RIGHT_TELEMETRY_READ');
    expect(sut.entries.find((e) => e.name === Right.USER_ALL)!.members).not.toContain('RIGHT_TELEMETRY_READ');
  });

  it('expands RIGHT_ALL to every right, RIGHT_USER_ALL to the user rights, groups to their members, and drops names that left the file', () => {
    expect(sut.expand([Right.ALL])).toEqual(sut.concrete);
    expect([...sut.expand([Right.USER_ALL])].every((r) => r.startsWith('RIGHT_USER_'))).toBe(true);
    expect([...sut.expand(['RIGHT_DEVICES_ALL', 'RIGHT_GONE'])]).toEqual(['RIGHT_DEVICES_READ', 'RIGHT_DEVICES_WRITE']);
  });

  it('gives each authority its rights: every right to a system administrator, the policy\'s to the others', () => {
    expect(sut.authorityRights(Authority.SYS_ADMIN)).toEqual(sut.concrete);
    const tenantAdmin = sut.authorityRights(Authority.TENANT_ADMIN);
    expect(['RIGHT_TELEMETRY_READ', 'RIGHT_DEVICES_READ', 'RIGHT_DEVICES_WRITE', Right.KEYS_VERIFY].every((r) => tenantAdmin.has(r))).toBe(true);
    expect(tenantAdmin.has(Right.USER_TENANTS) || tenantAdmin.has(Right.METRICS_READ)).toBe(false);
    expect([...sut.authorityRights(Authority.CUSTOMER_USER)].sort()).toEqual(['RIGHT_DEVICES_READ', Right.USER_INFO, Right.USER_SETTINGS_API_KEYS, Right.USER_SETTINGS_BASIC].sort());
  });

  it('lets a JWT caller grant a pseudo-right within the owner\'s rights, a key caller only if its key holds it', () => {
    const tenantAdmin = { rights: sut.authorityRights(Authority.TENANT_ADMIN), method: 'jwt' as const, keyRights: null };
    const customerRights = sut.authorityRights(Authority.CUSTOMER_USER);
    expect(() => assertGrantable(sut, tenantAdmin, [Right.ALL], customerRights)).not.toThrow();
    expect(() => assertGrantable(sut, tenantAdmin, [Right.USER_TENANTS], customerRights)).toThrow(/RIGHT_USER_TENANTS/);
    const narrowKey = { rights: new Set<string>([Right.USER_USERS_API_KEYS]), method: 'apiKey' as const, keyRights: [Right.USER_USERS_API_KEYS] };
    expect(() => assertGrantable(sut, narrowKey, ['RIGHT_DEVICES_ALL'], customerRights)).toThrow(/RIGHT_DEVICES_ALL, RIGHT_DEVICES_READ/);
  });
});
