import { readFileSync } from 'node:fs';
import { CliError, EXIT_FAILURE, UsageError, oneLine } from './cli-error.js';
import { type Command, type CommandGroup, asksForHelp, commandName, helpHint, parseFlags, takesRights } from './command.js';
import { userApiKeyCommands } from './commands/api-keys.js';
import { loginCommand } from './commands/login.js';
import { logoutCommand } from './commands/logout.js';
import { serviceAccountCommands } from './commands/service-accounts.js';
import { webhookCommands } from './commands/webhooks.js';
import { type HelpRights, commandHelp, commandsIn, groupHelp, helpRights } from './help.js';
import type { Io } from './io.js';

const GROUPS: readonly CommandGroup[] = [
  { path: [], summary: 'issue and manage API keys on a keygate server' },
  { path: ['users'], summary: "a user's API keys" },
  { path: ['users', 'api-keys'], summary: "create, list, show, change and delete a user's API keys" },
  { path: ['service-accounts'], summary: 'accounts that hold keys for backends, devices and integrations, not for a person' },
  { path: ['service-accounts', 'api-keys'], summary: "create, list, show, change and delete a service account's API keys" },
  { path: ['webhooks'], summary: 'signed POSTs of key events to your receivers: create, list, delete, and their deliveries' },
];

const COMMANDS: readonly Command[] = [loginCommand, logoutCommand, ...userApiKeyCommands, ...serviceAccountCommands, ...webhookCommands];

const samePath = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((word, index) => word === b[index]);

/** Runs one command line and answers the exit code; every failure becomes one line on stderr. */
export async function runKeygate(args: readonly string[], io: Io): Promise<number> {
  try {
    await dispatch([...args], io);
    return 0;
  } catch (error) {
    io.note(redactSecrets(failureLine(error), io.env));
    return error instanceof CliError ? error.exitCode : EXIT_FAILURE;
  }
}

async function dispatch(args: string[], io: Io): Promise<void> {
  const { target, rest } = locate(args);
  if ('run' in target) {
    if (asksForHelp(rest)) return io.out(commandHelp(target, await rightsForHelp([target], rest, io)));
    return target.run(parseFlags(target, rest), io);
  }
  return dispatchGroup(target, rest, io);
}

/** The server's rights when the help lists right flags; a failure to read them is said in the help, never as its own. */
async function rightsForHelp(commands: readonly Command[], args: readonly string[], io: Io): Promise<HelpRights | undefined> {
  if (!commands.some(takesRights)) return undefined;
  const rights = await helpRights(args, io);
  return 'problem' in rights ? { problem: redactSecrets(oneLine(rights.problem), io.env) } : rights;
}

/** The command or group the leading words name, and the arguments after them. */
function locate(args: string[]): { target: Command | CommandGroup; rest: string[] } {
  let target: Command | CommandGroup = GROUPS[0]!;
  let taken = 0;
  while (!('run' in target) && taken < args.length) {
    const path: string[] = [...target.path, args[taken]!];
    const next: Command | CommandGroup | undefined = COMMANDS.find((command) => samePath(command.path, path)) ?? GROUPS.find((group) => samePath(group.path, path));
    if (!next) break;
    target = next;
    taken += 1;
  }
  return { target, rest: args.slice(taken) };
}

async function dispatchGroup(group: CommandGroup, rest: string[], io: Io): Promise<void> {
  const [first] = rest;
  if (first === undefined || asksForHelp(rest)) return io.out(groupHelp(group, COMMANDS, await rightsForHelp(commandsIn(group, COMMANDS), rest, io)));
  if (group.path.length === 0 && (first === '--version' || first === '-v')) return io.out(version());
  if (!first.startsWith('-')) throw new UsageError(`unknown command "${commandName([...group.path, first])}"; ${helpHint(group.path)}`);
  throw new UsageError(`"${commandName(group.path)}" needs a command before ${first}; ${helpHint(group.path)}`);
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `keygate ${manifest.version}`;
}

function failureLine(error: unknown): string {
  if (error instanceof CliError) return oneLine(error.message);
  const message = error instanceof Error ? error.message : String(error);
  return `unexpected error: ${oneLine(message)}; please report it`;
}

/** An error must never show a credential, whatever put it into the message. */
export function redactSecrets(text: string, env: Io['env']): string {
  let safe = text
    .replace(/NNSXS\.([A-Z2-7]+)\.[A-Z2-7]+/g, 'NNSXS.$1.<secret>')
    .replace(/eyJ[\w-]*\.[\w-]+\.[\w-]+/g, '<token>');
  for (const secret of [env.KEYGATE_API_KEY, env.KEYGATE_PASSWORD]) {
    if (secret && secret.length >= 4) safe = safe.replaceAll(secret, '<secret>');
  }
  return safe;
}
