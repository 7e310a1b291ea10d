#!/usr/bin/env node
// The `keygate` command: the CLI is written in TypeScript (cli/) and built with the server.
try {
  await import('../dist/cli/main.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    console.error('keygate: the CLI is not built yet; run `npm run build` in the keygate folder first');
    process.exit(1);
  }
  throw error;
}
