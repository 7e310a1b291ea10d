import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { ADMIN_PASSWORD } from './test-app.js';

export const KEY_SHAPE = /^NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}$/;
// the built CLI, as `npx keygate` runs it; `npm test` builds it first (pretest)
const KEYGATE_BIN = fileURLToPath(new URL('../../bin/keygate.mjs', import.meta.url));
const STACK_FRAME = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** What the CLI printed must never hold these, apart from a new key on create's stdout. */
export const secrets = new Set<string>([ADMIN_PASSWORD]);
const scratchDirs: string[] = [];

export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `keygate-cli-${prefix}-`));
  scratchDirs.push(dir);
  return dir;
}

export function removeScratchDirs(): void {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Runs the built `keygate` in a child process with only the environment given (and a scratch HOME). */
export async function keygate(args: string[], env: Record<string, string>): Promise<CliRun> {
  const childEnv = { PATH: process.env.PATH ?? '', HOME: scratchDir('home'), ...env };
  const run = await new Promise<CliRun>((resolve) => {
    execFile(process.execPath, [KEYGATE_BIN, ...args], { env: childEnv, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
  for (const secret of secrets) {
    expect(run.stdout, 'a secret on stdout').not.toContain(secret);
    expect(run.stderr, 'a secret on stderr').not.toContain(secret);
  }
  return run;
}

export function expectOneLineFailure(run: CliRun, exitCode: number, says: RegExp): void {
  expect(run.code, run.stderr).toBe(exitCode);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^keygate: /);
  expect(lines[0]).toMatch(says);
  expect(run.stderr).not.toMatch(STACK_FRAME);
}

export function json(run: CliRun): any {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

/** `RIGHT_USER_SETTINGS_API_KEYS` → `--right-user-settings-api-keys`. */
export const rightFlag = (right: string) => `--${right.toLowerCase().replaceAll('_', '-')}`;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A help that lists a line `--right-… <description>` for each right in the server's catalog (`GET /api/rights`). */
export function expectRightFlagLines(help: string, catalog: ReadonlyArray<{ name: string; description: string }>): void {
  expect(catalog.length).toBeGreaterThan(0);
  for (const { name, description } of catalog) {
    // a line of the rights list, not an example's mention
    expect(help).toMatch(new RegExp(`^ +${rightFlag(name)} {2,}${escapeRegExp(description)}$`, 'm'));
  }
}

/** An RFC 3339 time `days` ahead, to the second, as a person would type it. */
export const daysAhead = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function storedLogin(configDir: string): { url: string; token: string; refreshToken: string } {
  return JSON.parse(readFileSync(join(configDir, 'credentials.json'), 'utf8'));
}

/** The environment of a login in a fresh folder, after `keygate login` as `user` at `url` succeeded. */
export async function loginWithCli(url: string, user: { email: string; password: string }): Promise<Record<string, string>> {
  const env = { KEYGATE_URL: url, KEYGATE_CONFIG_DIR: scratchDir('config') };
  const run = await keygate(['login', '--username', user.email], { ...env, KEYGATE_PASSWORD: user.password });
  expect(run.code, run.stderr).toBe(0);
  const login = storedLogin(env.KEYGATE_CONFIG_DIR);
  secrets.add(login.token).add(login.refreshToken);
  return env;
}
