import { promptPassword } from './password-prompt.js';

/** What a command may touch of the outside world, so the commands read the same in tests and in use. */
export interface Io {
  env: Readonly<Record<string, string | undefined>>;
  /** A result: stdout, where scripts read it. */
  out(text: string): void;
  /** A warning or a note for the person: stderr, so stdout stays parseable. */
  note(text: string): void;
  /** The password typed at the terminal without echo; undefined when there is no terminal. */
  askPassword(label: string): Promise<string | undefined>;
}

export function processIo(): Io {
  return {
    env: process.env,
    out: (text) => process.stdout.write(`${text}\n`),
    note: (text) => process.stderr.write(`keygate: ${text}\n`),
    askPassword: (label) => (process.stdin.isTTY && process.stderr.isTTY ? promptPassword(label) : Promise.resolve(undefined)),
  };
}
