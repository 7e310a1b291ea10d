import { type Command, type CommandGroup, type Flag, type FlagSection, HELP_FLAG, commandName } from './command.js';
import { RIGHT_FLAGS } from './right-flags.js';
import { DEFAULT_URL } from './session.js';

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

export function commandHelp(command: Command): string {
  const flagsIn = (wanted: FlagSection) => command.flags.filter((flag) => (flag.section ?? 'flags') === wanted);
  const rights = flagsIn('rights');
  return [
    `${commandName(command.path)}: ${command.summary}`,
    ...section('Usage:', [`  ${commandName(command.path)} [flags]`]),
    ...section('Flags:', columns(flagRows(flagsIn('flags')))),
    ...section(`Rights (${command.rightsNote ?? 'one flag per right'}):`, rights.length ? columns(flagRows(rights)) : []),
    ...section('Global flags:', columns(flagRows([...flagsIn('global'), HELP_FLAG]))),
    ...section('Examples:', (command.examples ?? []).map((example) => `  ${example}`)),
  ].join('\n');
}

/** The help of a word that groups commands, and of `keygate` itself, which also lists the environment. */
export function groupHelp(group: CommandGroup, commands: readonly Command[]): string {
  const below = commands.filter((command) => group.path.every((word, index) => command.path[index] === word));
  const isRoot = group.path.length === 0;
  const withRights = below.filter((command) => command.flags.some((flag) => flag.section === 'rights'));
  const rightsFor = withRights.map((command) => command.path.slice(group.path.length).join(' ')).join(', ');
  return [
    `${commandName(group.path)}: ${group.summary}`,
    ...section('Usage:', [`  ${commandName(group.path)} <command> [flags]`]),
    ...section('Commands:', columns(below.map((command) => [command.path.slice(group.path.length).join(' '), command.summary]))),
    ...section(`Rights flags (${rightsFor}), one per right:`, withRights.length ? columns(flagRows(RIGHT_FLAGS)) : []),
    ...(isRoot ? section('Environment:', columns(ENVIRONMENT)) : []),
    '',
    ...(isRoot ? [EXIT_CODES] : []),
    `Run "${commandName(group.path)} <command> --help" for a command's flags.`,
  ].join('\n');
}
