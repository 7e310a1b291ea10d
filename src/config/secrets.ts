import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './app-config.js';
import { secureDataDir } from './data-dir.js';

export interface ServerSecrets {
  jwtSecret: string;
  apiKeyHashSecret: string;
}

const FILE = 'secrets.json';

/**
 * The JWT signing secret and the key-hashing secret. Taken from the environment; in development
 * a missing one is generated once and kept in DATA_DIR (mode 0600) so tokens and keys survive a
 * restart. In production a missing one stops the start.
 */
export function resolveSecrets(config: AppConfig): ServerSecrets {
  if (config.JWT_SECRET && config.API_KEY_HASH_SECRET) {
    return { jwtSecret: config.JWT_SECRET, apiKeyHashSecret: config.API_KEY_HASH_SECRET };
  }
  if (config.NODE_ENV === 'production') {
    throw new Error('JWT_SECRET and API_KEY_HASH_SECRET must be set (32 characters or more) when NODE_ENV=production');
  }
  const path = join(config.DATA_DIR, FILE);
  let stored: Partial<ServerSecrets> = {};
  if (existsSync(path)) stored = JSON.parse(readFileSync(path, 'utf8')) as Partial<ServerSecrets>;
  const secrets: ServerSecrets = {
    jwtSecret: config.JWT_SECRET ?? stored.jwtSecret ?? randomBytes(32).toString('base64url'),
    apiKeyHashSecret: config.API_KEY_HASH_SECRET ?? stored.apiKeyHashSecret ?? randomBytes(32).toString('base64url'),
  };
  if (secrets.jwtSecret !== stored.jwtSecret || secrets.apiKeyHashSecret !== stored.apiKeyHashSecret) {
    secureDataDir(config.DATA_DIR);
    writeFileSync(path, JSON.stringify(secrets), { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return secrets;
}
