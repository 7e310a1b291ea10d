import { Logger } from '@nestjs/common';
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The embedded database's files inside DATA_DIR: the one path the server and the TypeORM CLI open. */
export function embeddedDatabaseDir(dataDir: string): string {
  return join(dataDir, 'pgdata');
}

/**
 * Makes DATA_DIR private to the user running keygate: the folder and every folder in it 0700,
 * every file 0600. PGlite writes its files 0666 whatever the umask, and they hold bcrypt hashes
 * and key hashes, so anything wider is repaired here at each start; files written later sit
 * inside a folder no one else can enter.
 */
export function secureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let repaired = 0;
  const visit = (path: string): void => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    const wanted = stat.isDirectory() ? 0o700 : 0o600;
    if ((stat.mode & 0o777) !== wanted) {
      chmodSync(path, wanted);
      repaired++;
    }
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dataDir);
  if (repaired > 0) new Logger('DataDir').debug(`${repaired} file(s) and folder(s) in ${dataDir} were readable by others: now 0700/0600`);
}
