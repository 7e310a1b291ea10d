import { parseArgs } from 'node:util';
import { UsageError } from './cli-error.js';
import type { Io } from './io.js';

/** Where a flag is listed in the help. */
export type FlagSection = 'flags' | 'rights' | 'global';

/** One `--flag` of a command: parsed with node:util parseArgs, and explained by the help. */
export interface Flag {
  name: string;
  type: 'string' | 'boolean';
  /** The value's placeholder in the help, e.g. `<id|me>`. */
  value?: string;
  description: string;
  required?: boolean;
  /** Given any number of times: its value is the list. */
  multiple?: boolean;
  short?: string;
  section?: FlagSection;
}

export type FlagValues = Record<string, string | string[] | boolean | undefined>;

export interface Command {
  /** The words that name it, e.g. `['users', 'api-keys', 'create']`. */
  path: readonly string[];
  summary: string;
  flags: readonly Flag[];
  /** Set on the commands that take `--right-…` flags: what they mean here, shown above them in the help. */
  rightsNote?: string;
  /** The names among the server's rights this command's owner can hold (a service account holds no user right); absent: all. */
  holdable?: (right: { name: string; origin?: string }) => boolean;
  examples?: readonly string[];
  run(values: FlagValues, io: Io): Promise<void>;
}

/** A word that only groups commands, e.g. `users api-keys`. */
export interface CommandGroup {
  path: readonly string[];
  summary: string;
}

/** Whether a command takes `--right-…` flags, so its help lists the server's rights. */
export function takesRights(command: Command): boolean {
  return command.rightsNote !== undefined;
}

/** Whether a flag name is a `--right-…` flag, whose meaning only the server's catalog can tell. */
export function isRightFlag(name: string): boolean {
  return name.startsWith('right-');
}

export const HELP_FLAG: Flag = { name: 'help', short: 'h', type: 'boolean', description: 'show this help', section: 'global' };

export function commandName(path: readonly string[]): string {
  return ['keygate', ...path].join(' ');
}

export function helpHint(path: readonly string[]): string {
  return `run "${commandName(path)} --help"`;
}

/** Whether the user asked for help anywhere before a `--` that ends the flags. */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** The command's flags from the arguments; anything it does not know is a UsageError. */
export function parseFlags(command: Command, args: string[]): FlagValues {
  const options = Object.fromEntries(
    [...command.flags, ...givenRightFlags(command, args), HELP_FLAG].map((flag) => [flag.name, { type: flag.type, ...(flag.multiple ? { multiple: true } : {}), ...(flag.short ? { short: flag.short } : {}) }]),
  );
  let values: FlagValues;
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values as FlagValues;
  } catch (error) {
    throw new UsageError(`${parseArgsProblem(error)} for "${commandName(command.path)}"; ${helpHint(command.path)}`);
  }
  for (const flag of command.flags) {
    if (flag.required && values[flag.name] === undefined) {
      throw new UsageError(`missing --${flag.name} for "${commandName(command.path)}"; ${helpHint(command.path)}`);
    }
  }
  return values;
}

/**
 * The `--right-…` flags on the command line, each taken as a boolean: only the server's catalog knows
 * which rights exist, so they are checked against it when the command runs.
 */
function givenRightFlags(command: Command, args: readonly string[]): Flag[] {
  if (!takesRights(command)) return [];
  const end = args.indexOf('--');
  const names = (end === -1 ? args : args.slice(0, end))
    .filter((arg) => arg.startsWith('--'))
    .map((arg) => arg.slice(2).split('=')[0]!)
    .filter(isRightFlag);
  return [...new Set(names)].map((name) => ({ name, type: 'boolean', description: '', section: 'rights' }));
}

/** Node's parseArgs message up to its first sentence: "Unknown option '--colour'". */
function parseArgsProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstSentence = message.split(/\.\s/)[0] ?? message;
  return firstSentence.charAt(0).toLowerCase() + firstSentence.slice(1);
}
