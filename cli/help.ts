import { parseArgs } from 'node:util';
import { type Command, type CommandGroup, type Flag, type FlagSection, type FlagValues, HELP_FLAG, commandName, takesRights } from './command.js';
import type { Io } from './io.js';
import { type CatalogRight, readRightCatalog, rightFlags } from './right-catalog.js';
import { DEFAULT_URL, openSession } from './session.js';

// a person waits for the help: a server that does not answer soon is said to be unreachable
const HELP_TIMEOUT_MS = 5_000;

/** What the help lists for the `--right-…` flags: the server's catalog, or why it could not be read. */
export type HelpRights = { catalog: readonly CatalogRight[] } | { problem: string };

/** The catalog from the server that `--url`, the environment or the login names; a failure only changes the help. */
export async function helpRights(args: readonly string[], io: Io): Promise<HelpRights> {
  try {
    const { values } = parseArgs({ args: [...args], options: { url: { type: 'string' } }, strict: false, allowPositionals: true });
    return { catalog: await readRightCatalog(openSession(values as FlagValues, io, { timeoutMs: HELP_TIMEOUT_MS })) };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}


const ENVIRONMENT: ReadonlyArray<[string, string]> = [
  ['KEYGATE_URL', `the server, when --url is not given (default: the login's server, else ${DEFAULT_URL})`],
  ['KEYGATE_API_KEY', 'authenticate with this API key (sent as "Authorization: Bearer"), not the stored login'],
  ['KEYGATE_PASSWORD', 'the password for "keygate login"'],
  ['KEYGATE_CONFIG_DIR', 'where the login is kept (default: $XDG_CONFIG_HOME/keygate, else ~/.config/keygate)'],
];

const EXIT_CODES = 'Exit codes: 0 done, 1 the request failed, 2 the command line is wrong.';

/** Two aligned columns, as every help list here is laid out. */
function columns(rows: ReadonlyArray<[string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

function flagLabel(flag: Flag): string {
  const short = flag.short ? `-${flag.short}, ` : '    ';
  return `${short}--${flag.name}${flag.value ? ` ${flag.value}` : ''}`;
}

function flagRows(flags: readonly Flag[]): Array<[string, string]> {
  return flags.map((flag) => [flagLabel(flag), flag.required ? `${flag.description} (required)` : flag.description]);
}

function section(heading: string, lines: readonly string[]): string[] {
  return lines.length ? ['', heading, ...lines] : [];
}

/** One line per right flag, or the one line that says why there are none to show. */
function rightLines(holdable: Command['holdable'], rights: HelpRights | undefined): string[] {
  if (!rights) return [];
  if ('problem' in rights) return [`  the --right-… flags name the server's rights, which could not be read: ${rights.problem}`];
  const offered = rights.catalog.filter(holdable ?? (() => true));
  return offered.length ? columns(flagRows(rightFlags(offered))) : [];
}

export function commandHelp(command: Command, rights?: HelpRights): string {
  const flagsIn = (wanted: FlagSection) => command.flags.filter((flag) => (flag.section ?? 'flags') === wanted);
  return [
    `${commandName(command.path)}: ${command.summary}`,
    ...section('Usage:', [`  ${commandName(command.path)} [flags]`]),
    ...section('Flags:', columns(flagRows(flagsIn('flags')))),
    ...(takesRights(command) ? section(`Rights (${command.rightsNote}):`, rightLines(command.holdable, rights)) : []),
    ...section('Global flags:', columns(flagRows([...flagsIn('global'), HELP_FLAG]))),
    ...section('Examples:', (command.examples ?? []).map((example) => `  ${example}`)),
  ].join('\n');
}

/** The help of a word that groups commands, and of `keygate` itself, which also lists the environment. */
export function groupHelp(group: CommandGroup, commands: readonly Command[], rights?: HelpRights): string {
  const below = commandsIn(group, commands);
  const isRoot = group.path.length === 0;
  const withRights = below.filter(takesRights);
  // the last words only: "create, update" says which commands, however many groups have them
  const rightsFor = [...new Set(withRights.map((command) => command.path.at(-1)))].join(', ');
  // a group whose commands all serve one kind of owner lists only what that owner can hold
  const holdable = withRights.every((command) => command.holdable === withRights[0]!.holdable) ? withRights[0]?.holdable : undefined;
  return [
    `${commandName(group.path)}: ${group.summary}`,
    ...section('Usage:', [`  ${commandName(group.path)} <command> [flags]`]),
    ...section('Commands:', columns(below.map((command) => [command.path.slice(group.path.length).join(' '), command.summary]))),
    ...(withRights.length ? section(`Rights flags (${rightsFor}), one per right:`, rightLines(holdable, rights)) : []),
    ...(isRoot ? section('Environment:', columns(ENVIRONMENT)) : []),
    '',
    ...(isRoot ? [EXIT_CODES] : []),
    `Run "${commandName(group.path)} <command> --help" for a command's flags.`,
  ].join('\n');
}

/** The commands a group's words begin. */
export function commandsIn(group: CommandGroup, commands: readonly Command[]): Command[] {
  return commands.filter((command) => group.path.every((word, index) => command.path[index] === word));
}
