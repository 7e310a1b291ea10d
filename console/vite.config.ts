import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The console's own folder, whatever the working directory of `vite build --config console/vite.config.ts`. */
const consoleDir = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: consoleDir,
  // served by the backend at /console/ (src/console/serve-console.ts)
  base: '/console/',
  plugins: [preact()],
  // `npx vite --config console/vite.config.ts` for work on the console: the API comes from a running keygate
  server: {
    proxy: { '/api': process.env.KEYGATE_URL ?? 'http://localhost:3000' },
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // the server's Content-Security-Policy forbids inline scripts: every script stays a file
    assetsInlineLimit: 0,
    target: 'es2022',
  },
});
