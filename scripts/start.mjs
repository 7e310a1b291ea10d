// `npm start`: the built server, rebuilt first only when a source is newer than the build.
import { join } from 'node:path';
import { ensureBuilt, root } from './ensure-built.mjs';

ensureBuilt();
await import(join(root, 'dist/src/main.js'));
