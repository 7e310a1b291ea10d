import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { ConfigValidationError, loadConfig } from './config/app-config.js';

try {
  process.loadEnvFile();
} catch {
  // no .env: the environment alone
}

// the last line of defence: background work contains its own errors (common/background.ts), so one
// reaching here is a bug to read in the log, not a reason to stop serving every other request
process.on('unhandledRejection', (reason) => {
  new Logger('Process').error(`Unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`, reason instanceof Error ? reason.stack : undefined);
});

try {
  const config = loadConfig(process.env);
  const app = await createApp(config);
  await app.listen({ port: config.PORT, host: config.HOST });
  const shown = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  // Nest's own listeners close the app (requests in flight, then background work) and stop the process
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => new Logger('Main').log(`${signal}: finishing requests in flight and background work, then stopping`));
  }
  new Logger('Main').log(`keygate listening on http://${shown}:${config.PORT} (Swagger UI: /swagger, database: ${config.embedded ? `embedded in ${config.DATA_DIR}` : 'PostgreSQL server'})`);
} catch (error) {
  console.error(error instanceof ConfigValidationError ? error.message : error);
  process.exit(1);
}
