import { Logger } from '@nestjs/common';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const logger = new Logger('DataDir');

/** The embedded database's files inside DATA_DIR: the one path the server and the TypeORM CLI open. */
export function embeddedDatabaseDir(dataDir: string): string {
  return join(dataDir, 'pgdata');
}

/**
 * Makes what keygate keeps in DATA_DIR private to the user running it: DATA_DIR itself 0700 (a
 * symlink to it followed), the embedded database's folders 0700 and files 0600, `secrets.json`
 * 0600. PGlite writes its files 0666 whatever the umask, and they hold bcrypt and key hashes, so
 * anything wider is repaired at each start; files written later sit inside a folder no one else can
 * enter. Nothing else in DATA_DIR is touched, and a file that cannot be changed is logged, not fatal.
 */
export function secureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let repaired = 0;
  const restrict = (path: string, wanted: number, mode: number): void => {
    if ((mode & 0o777) === wanted) return;
    try {
      chmodSync(path, wanted);
      repaired++;
    } catch (error) {
      logger.warn(`Could not make ${path} private: ${(error as Error).message}`);
    }
  };
  const visit = (path: string): void => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    restrict(path, stat.isDirectory() ? 0o700 : 0o600, stat.mode);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  // chmod follows a symlinked DATA_DIR to the folder it names
  restrict(dataDir, 0o700, statSync(dataDir).mode);
  const database = embeddedDatabaseDir(dataDir);
  if (existsSync(database)) visit(database);
  const secrets = join(dataDir, 'secrets.json');
  if (existsSync(secrets)) visit(secrets);
  if (repaired > 0) logger.debug(`${repaired} file(s) and folder(s) in ${dataDir} were readable by others: now 0700/0600`);
}
