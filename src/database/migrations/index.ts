import { InitialSchema1763900000000 } from './1763900000000-initial-schema.js';
import { ApiKeys1763900100000 } from './1763900100000-api-keys.js';
import { ChangeNotifications1763900200000 } from './1763900200000-change-notifications.js';
import { AuditEvents1763900300000 } from './1763900300000-audit-events.js';
import { Sessions1763900400000 } from './1763900400000-sessions.js';
import { ServiceAccounts1764800000000 } from './1764800000000-service-accounts.js';
import { KeyRolls1764900000000 } from './1764900000000-key-rolls.js';
import { KeyRestrictions1765000000000 } from './1765000000000-key-restrictions.js';
import { Webhooks1765100000000 } from './1765100000000-webhooks.js';

/** In order; a new migration is added here as well as in its file. */
export const migrations = [InitialSchema1763900000000, ApiKeys1763900100000, ChangeNotifications1763900200000, AuditEvents1763900300000, Sessions1763900400000, ServiceAccounts1764800000000, KeyRolls1764900000000, KeyRestrictions1765000000000, Webhooks1765100000000];
