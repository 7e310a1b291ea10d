import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * Three tiers, named for what they prove (`npm test` runs all three):
 * - unit: pure rules beside the code (`src/**\/*.spec.ts`), no database, no build: seconds;
 * - medium: services, repositories, the guard and each controller's protection in a Nest testing
 *   module on a real database (`test/medium/`), embedded or, with DATABASE_URL, the server;
 * - e2e: the real app over HTTP, the built server, CLI and console (`test/*.e2e-spec.ts`).
 */
export default defineConfig({
  // SWC compiles the decorators with their metadata, which Nest's dependency injection needs
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    pool: 'forks',
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.spec.ts'], testTimeout: 10_000, pool: 'threads', isolate: false } },
      {
        extends: true,
        test: { name: 'medium', include: ['test/medium/**/*.medium-spec.ts'], globalSetup: ['test/support/global-setup.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/*.e2e-spec.ts'], globalSetup: ['test/support/global-setup.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
      },
    ],
  },
});
