import { readFileSync } from 'node:fs';
import { ConfigValidationError } from '../config/app-config.js';
import { Authority } from './authority.js';
import { Right, RIGHT_NAME, type RightName } from './right.js';

/** One of the platform's routes and who may call it through forward authentication. */
export interface RouteRule {
  /** Upper-case methods, or `*` for any. */
  methods: ReadonlySet<string>;
  /** The pattern as written, for messages. */
  path: string;
  /** Literal segments, `*` (one segment) or a final `**` (any rest, none included). */
  segments: readonly string[];
  public: boolean;
  right: RightName | null;
}

/** The platform's rights, groups, what each authority holds of them, and its routes: read once, at start. */
export interface AccessPolicy {
  rights: ReadonlyArray<{ name: RightName; description: string }>;
  groups: ReadonlyMap<RightName, readonly RightName[]>;
  authorities: ReadonlyMap<Authority, readonly RightName[]>;
  routes: readonly RouteRule[];
}

export const EMPTY_POLICY: AccessPolicy = { rights: [], groups: new Map(), authorities: new Map(), routes: [] };

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', '*']);
const KEYGATE_NAMES: ReadonlySet<string> = new Set(Object.values(Right));
const SEGMENT = /^[A-Za-z0-9\-._~!$&'()+,;=:@%]+$/;

/** An access policy file that cannot be used: the start stops with this message. */
export class AccessPolicyError extends ConfigValidationError {}

/** Reads and checks the file `ACCESS_POLICY_FILE` names; without one, only keygate's own rights exist. */
export function loadAccessPolicy(file: string | undefined): AccessPolicy {
  if (!file) return EMPTY_POLICY;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AccessPolicyError(`ACCESS_POLICY_FILE ${file} cannot be read: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AccessPolicyError(`ACCESS_POLICY_FILE ${file} is not JSON: ${(error as Error).message}`);
  }
  try {
    return parseAccessPolicy(json);
  } catch (error) {
    if (error instanceof PolicyProblem) throw new AccessPolicyError(`ACCESS_POLICY_FILE ${file}: ${error.message}`);
    throw error;
  }
}

class PolicyProblem extends Error {}

function fail(message: string): never {
  throw new PolicyProblem(message);
}

/** The policy a parsed file describes, or a PolicyProblem naming the first thing wrong with it. */
export function parseAccessPolicy(json: unknown): AccessPolicy {
  if (!isObject(json)) fail('the policy must be a JSON object');
  const unknown = Object.keys(json).filter((k) => !['rights', 'groups', 'authorities', 'routes'].includes(k));
  if (unknown.length) fail(`unknown field(s) ${unknown.join(', ')}: a policy has rights, groups, authorities and routes`);

  const rights = parseRights(json.rights ?? []);
  const platformRights = new Set(rights.map((r) => r.name));
  const groups = parseGroups(json.groups ?? {}, platformRights);
  const grantable = new Set([...platformRights, ...groups.keys()]);
  const authorities = parseAuthorities(json.authorities ?? {}, grantable);
  const routes = parseRoutes(json.routes ?? [], new Set([...platformRights, ...KEYGATE_NAMES]));
  return { rights, groups, authorities, routes };
}

function checkNewName(name: unknown, where: string, taken: ReadonlySet<string>): string {
  if (typeof name !== 'string' || !RIGHT_NAME.test(name)) fail(`${where}: the name ${JSON.stringify(name)} must match ${RIGHT_NAME.source}`);
  if (KEYGATE_NAMES.has(name)) fail(`${where}: ${name} is one of keygate's own rights; choose another name`);
  if (taken.has(name)) fail(`${where}: ${name} is named twice`);
  return name;
}

function parseRights(value: unknown): AccessPolicy['rights'] {
  if (!Array.isArray(value)) fail('rights must be an array of {name, description}');
  const seen = new Set<string>();
  return value.map((entry: unknown, i) => {
    const where = `rights[${i}]`;
    if (!isObject(entry)) fail(`${where} must be an object {name, description}`);
    const name = checkNewName(entry.name, where, seen);
    seen.add(name);
    const description = entry.description;
    if (typeof description !== 'string' || description.trim() === '' || description.length > 255) {
      fail(`${where} (${name}): description must be a string of 1 to 255 characters`);
    }
    return { name, description };
  });
}

function parseGroups(value: unknown, platformRights: ReadonlySet<string>): Map<string, string[]> {
  if (!isObject(value)) fail('groups must be an object: {"RIGHT_GROUP": ["RIGHT_A", "RIGHT_B"]}');
  const groups = new Map<string, string[]>();
  for (const [name, members] of Object.entries(value)) {
    const where = `groups.${name}`;
    checkNewName(name, where, new Set([...platformRights, ...groups.keys()]));
    if (!Array.isArray(members) || members.length === 0) fail(`${where} must be a non-empty array of the policy's rights`);
    const unknownMembers = members.filter((m) => typeof m !== 'string' || !platformRights.has(m));
    if (unknownMembers.length) fail(`${where} names rights the policy does not define: ${unknownMembers.map((m) => JSON.stringify(m)).join(', ')}`);
    groups.set(name, [...new Set(members as string[])]);
  }
  return groups;
}

function parseAuthorities(value: unknown, grantable: ReadonlySet<string>): Map<Authority, string[]> {
  if (!isObject(value)) fail('authorities must be an object: {"TENANT_ADMIN": [...], "CUSTOMER_USER": [...]}');
  const authorities = new Map<Authority, string[]>();
  for (const [authority, rights] of Object.entries(value)) {
    const where = `authorities.${authority}`;
    if (authority === Authority.SYS_ADMIN) fail(`${where}: a system administrator holds every right already`);
    if (authority !== Authority.TENANT_ADMIN && authority !== Authority.CUSTOMER_USER) fail(`${where}: the authorities are TENANT_ADMIN and CUSTOMER_USER`);
    if (!Array.isArray(rights)) fail(`${where} must be an array of the policy's rights or groups`);
    const unknownRights = rights.filter((r) => typeof r !== 'string' || !grantable.has(r));
    if (unknownRights.length) fail(`${where} names rights or groups the policy does not define: ${unknownRights.map((r) => JSON.stringify(r)).join(', ')}`);
    authorities.set(authority, rights as string[]);
  }
  return authorities;
}

function parseRoutes(value: unknown, concreteRights: ReadonlySet<string>): RouteRule[] {
  if (!Array.isArray(value)) fail('routes must be an array of {method, path, right} or {method, path, public: true}');
  return value.map((entry: unknown, i) => {
    const where = `routes[${i}]`;
    if (!isObject(entry)) fail(`${where} must be an object {method, path, right | public}`);
    const unknown = Object.keys(entry).filter((k) => !['method', 'path', 'right', 'public'].includes(k));
    if (unknown.length) fail(`${where}: unknown field(s) ${unknown.join(', ')}`);
    const methods = (Array.isArray(entry.method) ? entry.method : [entry.method]) as unknown[];
    if (methods.length === 0 || methods.some((m) => typeof m !== 'string' || !METHODS.has(m.toUpperCase()))) {
      fail(`${where}: method must be one of ${[...METHODS].join(', ')}, or an array of them`);
    }
    const path = entry.path;
    if (typeof path !== 'string') fail(`${where}: path must be a string such as "/v1/devices/**"`);
    const segments = routePattern(path, where);
    const isPublic = entry.public === true;
    if (entry.public !== undefined && typeof entry.public !== 'boolean') fail(`${where}: public must be true or false`);
    if (isPublic === (entry.right !== undefined)) fail(`${where} (${path}): give either "right" or "public": true`);
    if (!isPublic && (typeof entry.right !== 'string' || !concreteRights.has(entry.right))) {
      fail(`${where} (${path}): right ${JSON.stringify(entry.right)} is not a right of the policy or of keygate (a group is not a route's right)`);
    }
    return { methods: new Set(methods.map((m) => (m as string).toUpperCase())), path, segments, public: isPublic, right: isPublic ? null : (entry.right as string) };
  });
}

/** `/a/*\/b/**` → ['a', '*', 'b', '**']; a pattern that could never match as meant is refused. */
function routePattern(path: string, where: string): string[] {
  if (!path.startsWith('/')) fail(`${where}: path ${JSON.stringify(path)} must start with /`);
  if (path === '/') return [];
  const segments = path.slice(1).split('/');
  segments.forEach((segment, i) => {
    if (segment === '**' && i !== segments.length - 1) fail(`${where}: path ${path}: ** may only end a pattern`);
    if (segment === '*' || segment === '**') return;
    if (segment === '' || segment === '.' || segment === '..' || !SEGMENT.test(segment) || segment.includes('*')) {
      fail(`${where}: path ${path}: the segment ${JSON.stringify(segment)} is not a literal, * or **`);
    }
  });
  // requests are matched on decoded segments (see route-matcher.ts), so literals are compared decoded too
  return segments.map((segment) => {
    try {
      return segment === '*' || segment === '**' ? segment : decodeURIComponent(segment);
    } catch {
      return fail(`${where}: path ${path}: the segment ${JSON.stringify(segment)} is not valid percent-encoding`);
    }
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
