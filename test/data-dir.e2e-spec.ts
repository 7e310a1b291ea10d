import { execFile } from 'node:child_process';
import { chmodSync, lstatSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { embeddedDatabaseDir } from '../src/config/data-dir.js';
import { World } from './support/client.js';
import { createTestDatabase, startTestApp, testEnv } from './support/test-app.js';

const run = promisify(execFile);

/** Every path under `dir` whose mode lets anyone but its owner in. */
function widerThanOwner(dir: string): string[] {
  const wide: string[] = [];
  const visit = (path: string): void => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & 0o077) !== 0) wide.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return wide;
}

describe.skipIf(process.env.DATABASE_URL)('the embedded database in DATA_DIR', () => {
  it('is private to its owner: 0700 folders and 0600 files, repaired at start and kept after use', async () => {
    const database = await createTestDatabase();
    const dataDir = database.env.DATA_DIR!;
    // as PGlite leaves them (it ignores the umask), and a file a careless hand made wider; DATA_DIR
    // reached through a symlink, as a mounted volume often is; and a file of someone else's beside it
    chmodSync(dataDir, 0o755);
    writeFileSync(join(embeddedDatabaseDir(dataDir), 'notes.txt'), 'x', { mode: 0o666 });
    chmodSync(join(embeddedDatabaseDir(dataDir), 'notes.txt'), 0o666);
    writeFileSync(join(dataDir, 'readme.txt'), 'x');
    chmodSync(join(dataDir, 'readme.txt'), 0o644);
    const linked = `${dataDir}-link`;
    symlinkSync(dataDir, linked);
    const sut = await startTestApp({ DATA_DIR: linked }, database);
    try {
      expect(widerThanOwner(embeddedDatabaseDir(dataDir))).toEqual([]);
      expect(lstatSync(join(dataDir, 'secrets.json'), { throwIfNoEntry: false })?.mode ?? 0o600).toSatisfy((mode: number) => (mode & 0o077) === 0);
      // keygate's own files only: what else sits in DATA_DIR keeps its mode
      expect(lstatSync(join(dataDir, 'readme.txt')).mode & 0o777).toBe(0o644);
      const world = new World(sut);
      const owner = await world.makeTenantAdmin();
      await world.makeKey(owner);
      // whatever PGlite writes later sits in a folder nobody else may enter
      expect(lstatSync(dataDir).mode & 0o777).toBe(0o700);
      expect(lstatSync(embeddedDatabaseDir(dataDir)).mode & 0o777).toBe(0o700);
    } finally {
      await sut.close();
      rmSync(linked, { force: true });
      await database.drop();
    }
  });

  it('is the one the TypeORM CLI opens: migration:show lists every migration as applied', async () => {
    const database = await createTestDatabase();
    const sut = await startTestApp({}, database);
    await sut.close();
    try {
      const env = { ...process.env, ...testEnv(database.env) };
      delete env.DATABASE_URL;
      const { stdout } = await run(process.execPath, ['node_modules/typeorm/cli.js', 'migration:show', '-d', 'dist/ormconfig.js'], { env });
      const listed = stdout.split('\n').filter((line) => /\[[ X]\]/.test(line));
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.filter((line) => line.includes('[ ]'))).toEqual([]);
    } finally {
      await database.drop();
    }
  });
});
