import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { ApiKey } from '../api-keys/api-key.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { Session } from '../auth/login/sessions/session.entity.js';
import { ServiceAccount } from '../service-accounts/service-account.entity.js';
import { Customer } from '../tenants/customer.entity.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { User } from '../users/user.entity.js';
import type { EmbeddedDatabase } from './embedded-pool.js';
import { migrations } from './migrations/index.js';
import { WebhookDelivery } from '../webhooks/webhook-delivery.entity.js';
import { Webhook } from '../webhooks/webhook.entity.js';

export const entities = [Tenant, Customer, User, ServiceAccount, ApiKey, AuditEvent, Session, Webhook, WebhookDelivery];

/**
 * One description of the database for the app and the TypeORM CLI alike: the PostgreSQL server
 * at DATABASE_URL, or the embedded one. Migrations run at start; `synchronize` is never on.
 */
export function dataSourceOptions(config: AppConfig, embedded?: EmbeddedDatabase): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    installExtensions: false,
    // not 'error': TypeORM would log failed queries with their parameters (hashes, emails)
    logging: ['warn' as const, 'migration' as const],
  };
  if (embedded) {
    return { ...common, driver: embedded.asPgDriver() };
  }
  const schema = config.DATABASE_SCHEMA;
  return {
    ...common,
    url: config.DATABASE_URL,
    schema,
    poolSize: 20,
    connectTimeoutMS: 5000,
    // unqualified names in migrations and raw SQL land in the configured schema
    extra: schema ? { options: `-c search_path=${schema}` } : {},
  };
}
