import { CliError } from './cli-error.js';

const ENTER = new Set(['\r', '\n', '\u0004']);
const ERASE = new Set(['\u007f', '\b']);
const INTERRUPT = '\u0003';

/** Reads a password from the terminal in raw mode, so the characters are never echoed. */
export function promptPassword(label: string): Promise<string> {
  const { stdin, stderr } = process;
  stderr.write(label);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let password = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (character === INTERRUPT) {
          finish();
          reject(new CliError('login cancelled', 130));
          return;
        }
        if (ENTER.has(character)) {
          finish();
          resolve(password);
          return;
        }
        password = ERASE.has(character) ? password.slice(0, -1) : password + character;
      }
    };
    stdin.on('data', onData);
  });
}
