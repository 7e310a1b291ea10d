import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { ConfigValidationError, loadConfig } from './config/app-config.js';

try {
  process.loadEnvFile();
} catch {
  // no .env: the environment alone
}

try {
  const config = loadConfig(process.env);
  const app = await createApp(config);
  await app.listen({ port: config.PORT, host: config.HOST });
  const shown = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  console.log(`keygate listening on http://${shown}:${config.PORT} (Swagger UI: /swagger, database: ${config.embedded ? `embedded in ${config.DATA_DIR}` : 'PostgreSQL server'})`);
} catch (error) {
  console.error(error instanceof ConfigValidationError ? error.message : error);
  process.exit(1);
}
