// Builds keygate when a source is newer than the build, and only then: `npm install` has built it
// already, so `npm start` and `npm test` normally begin at once. Run directly, or imported.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['src', 'cli', 'console/src', 'console/index.html', 'console/vite.config.ts', 'ormconfig.ts', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
const BUILT = ['dist/src/main.js', 'dist/console/index.html'];

/** The newest modification time under `path`, leaving out src/metadata.ts, which the build itself writes. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return path.endsWith(join('src', 'metadata.ts')) ? 0 : stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export function ensureBuilt() {
  const builtAt = Math.min(...BUILT.map((file) => (existsSync(join(root, file)) ? statSync(join(root, file)).mtimeMs : 0)));
  const changedAt = Math.max(...SOURCES.map((path) => newest(join(root, path))));
  if (builtAt > 0 && changedAt <= builtAt) return;
  console.log(builtAt === 0 ? 'keygate is not built yet: building' : 'sources changed since the last build: building');
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureBuilt();
