import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { CliError } from './cli-error.js';

/** What `keygate login` keeps: the server it logged in to and the token pair it got there. */
export interface StoredLogin {
  url: string;
  token: string;
  refreshToken: string;
}

const OWNER_ONLY_FILE = 0o600;
const OWNER_ONLY_FOLDER = 0o700;
// POSIX permission bits mean nothing on Windows, where the user's profile folder is private already
const MODES_APPLY = process.platform !== 'win32';

/** `KEYGATE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/keygate`, else `~/.config/keygate`. */
export function credentialsFile(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_CONFIG_HOME;
  // the XDG spec says a relative XDG_CONFIG_HOME is to be ignored
  const configHome = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config');
  return join(env.KEYGATE_CONFIG_DIR || join(configHome, 'keygate'), 'credentials.json');
}

/** The login on disk, readable and writable by its owner only. */
export class CredentialsStore {
  constructor(
    readonly file: string,
    private readonly warn: (text: string) => void,
  ) {}

  read(): StoredLogin | undefined {
    if (!existsSync(this.file)) return undefined;
    let text: string;
    try {
      this.keepPrivate();
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read the stored login in ${this.file}: ${(error as Error).message}; run "keygate logout", then "keygate login"`);
    }
    const login = this.parse(text);
    if (!login) throw new CliError(`the stored login in ${this.file} is damaged; run "keygate login" again`);
    return login;
  }

  /** The login, or undefined when there is none or it cannot be read: for the commands that replace or remove it. */
  readIfIntact(): StoredLogin | undefined {
    try {
      return this.read();
    } catch {
      return undefined;
    }
  }

  /** Writes a new file and renames it over the old one, so a crash never leaves half a token pair. */
  write(login: StoredLogin): void {
    const folder = dirname(this.file);
    const created = mkdirSync(folder, { recursive: true, mode: OWNER_ONLY_FOLDER });
    if (created && MODES_APPLY) chmodSync(folder, OWNER_ONLY_FOLDER);
    const draft = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(draft, `${JSON.stringify(login, null, 2)}\n`, { mode: OWNER_ONLY_FILE, flag: 'wx' });
      if (MODES_APPLY) chmodSync(draft, OWNER_ONLY_FILE);
      renameSync(draft, this.file);
    } catch (error) {
      rmSync(draft, { force: true });
      throw new CliError(`cannot save the login in ${this.file}: ${(error as Error).message}; set KEYGATE_CONFIG_DIR to a writable folder`);
    }
  }

  /** Whether there was a login to remove. */
  remove(): boolean {
    if (!existsSync(this.file)) return false;
    rmSync(this.file);
    return true;
  }

  /** A file others can read (copied, or restored from a backup) is closed before its token is used. */
  private keepPrivate(): void {
    if (!MODES_APPLY || (statSync(this.file).mode & 0o077) === 0) return;
    chmodSync(this.file, OWNER_ONLY_FILE);
    this.warn(`${this.file} was readable by other users; its mode is now 600`);
  }

  private parse(text: string): StoredLogin | undefined {
    try {
      const { url, token, refreshToken } = JSON.parse(text) as Partial<StoredLogin>;
      if (typeof url === 'string' && typeof token === 'string' && typeof refreshToken === 'string') return { url, token, refreshToken };
    } catch {
      // damaged JSON: the caller says what to do
    }
    return undefined;
  }
}
