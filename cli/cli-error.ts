/** Exit codes: 1 when the call failed, 2 when the command line itself was wrong. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure the user can act on: printed as one line on stderr, never with a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
  }
}

/** The command line was wrong: an unknown flag, a missing value, a malformed time. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}

/** One line, free of control characters, so a server's text cannot break or repaint the terminal. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
}
