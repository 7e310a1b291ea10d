import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { IsTrustProxy, parseTrustProxy, type TrustProxy } from './trust-proxy.js';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);
/** true/1 and false/0 (or empty); anything else is left for @IsBoolean to refuse. */
const toStrictBoolean = (value: unknown) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' || value === '' ? false : value;

/**
 * Every setting keygate reads from the environment, validated once at boot.
 * `.env.example` lists the same variables with their meaning.
 */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** Absent: the embedded PostgreSQL (PGlite) in DATA_DIR. */
  @Transform(emptyToUndefined) @IsOptional() @IsString()
  DATABASE_URL?: string;

  /** Schema on the PostgreSQL server (the tests give each run its own). */
  @Transform(emptyToUndefined) @IsOptional() @IsString()
  DATABASE_SCHEMA?: string;

  @IsString()
  DATA_DIR = './data';

  @IsEmail()
  ADMIN_EMAIL = 'admin@keygate.local';

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(8)
  ADMIN_PASSWORD?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(32)
  JWT_SECRET?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(32)
  API_KEY_HASH_SECRET?: string;

  /** Access token lifetime in seconds (ThingsBoard's default: 2.5 h). */
  @Transform(toInt) @IsInt() @Min(10)
  JWT_EXPIRES_IN = 9000;

  /** Refresh token lifetime in seconds (one week). */
  @Transform(toInt) @IsInt() @Min(60)
  JWT_REFRESH_EXPIRES_IN = 604800;

  /** bcrypt cost for passwords. */
  @Transform(toInt) @IsInt() @Min(4) @Max(15)
  BCRYPT_ROUNDS = 10;

  /** 0: no limit. */
  @Transform(toInt) @IsInt() @Min(0)
  API_KEYS_MAX_PER_USER = 0;

  /** 0: keys may never expire. */
  @Transform(toInt) @IsInt() @Min(0)
  API_KEYS_MAX_LIFETIME_DAYS = 0;

  /** Verified keys and users held in each instance's memory. */
  @Transform(toInt) @IsInt() @Min(1)
  AUTH_CACHE_SIZE = 100000;

  /**
   * Longest a verified key, user or JWT is trusted from memory before it is read from the database
   * again (each entry between half this and all of it); while that read runs, in the background,
   * the entry stays trusted for at most 5 s more (RENEWAL_GRACE_MS).
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(86400)
  AUTH_CACHE_MAX_AGE_SECONDS = 60;

  /** How often the coalesced lastUsedAt times are written. */
  @Transform(toInt) @IsInt() @Min(1) @Max(60)
  LAST_USED_FLUSH_SECONDS = 15;

  /** Failed logins per (client address, account) before that pair gets 429; 0: no limit. */
  @Transform(toInt) @IsInt() @Min(0)
  LOGIN_MAX_FAILURES = 5;

  /** How long a pair past the login limit waits, in seconds. */
  @Transform(toInt) @IsInt() @Min(1)
  LOGIN_LOCKOUT_SECONDS = 900;

  /**
   * Failed logins per client address, whatever the accounts, in a LOGIN_LOCKOUT_SECONDS window
   * before that address gets 429 (password spraying); 0: no limit.
   */
  @Transform(toInt) @IsInt() @Min(0)
  LOGIN_MAX_FAILURES_PER_ADDRESS = 20;

  /** Failed credential checks per client address and minute before further failing ones get 429; 0: no limit. */
  @Transform(toInt) @IsInt() @Min(0)
  AUTH_MAX_FAILURES_PER_MINUTE = 300;

  /**
   * Which X-Forwarded-For entries to believe (the client is the rightmost one not believed): false,
   * a hop count, or the proxies' addresses/CIDRs; `true` means loopback (see trust-proxy.ts).
   */
  @Transform(({ value }) => parseTrustProxy(value)) @IsTrustProxy()
  TRUST_PROXY: TrustProxy = false;

  /** Origins allowed to call the API from a browser, comma-separated; empty: none (CORS closed). */
  @IsString()
  CORS_ORIGINS = '';

  /** Swagger UI keeps what a person types into Authorize in the browser's localStorage, across reloads. */
  @Transform(({ value }) => toStrictBoolean(value)) @IsBoolean()
  SWAGGER_PERSIST_AUTHORIZATION = false;

  /** One JSON log line per request (method, route, path, status, time, address, credential kind and key id; never a credential). */
  @Transform(({ value }) => value === true || value === 'true' || value === '1') @IsBoolean()
  LOG_REQUESTS = false;

  /** How often aggregated authentication failures are written to the audit trail, in seconds. */
  @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  AUDIT_FLUSH_SECONDS = 30;

  /** A JSON file naming the platform's rights, groups, what each authority holds and its routes; absent: keygate's rights only. */
  @Transform(emptyToUndefined) @IsOptional() @IsString()
  ACCESS_POLICY_FILE?: string;

  /**
   * Redis, where every instance counts keys' rate limits and the failure limits together; absent:
   * each instance counts alone (a limit of 6 a minute is then 6 per instance).
   */
  @Transform(emptyToUndefined) @IsOptional() @IsString() @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Put before every Redis key keygate writes, so deployments (or test runs) can share one Redis. */
  @IsString() @Matches(/^[\w:.-]{0,64}$/, { message: 'REDIS_KEY_PREFIX must be up to 64 letters, digits, _ : . or -' })
  REDIS_KEY_PREFIX = 'keygate:';

  /** Nest's words (`log` is pino's `info`, `verbose` its `trace`) or pino's. */
  @IsIn(['fatal', 'error', 'warn', 'log', 'info', 'debug', 'verbose', 'trace'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'info' | 'debug' | 'verbose' | 'trace' = 'log';

  /**
   * Webhook URLs may lead to loopback, private and link-local addresses (a receiver on the same
   * host or network); off, such a URL is refused when the webhook is created and again at delivery.
   */
  @Transform(({ value }) => toStrictBoolean(value)) @IsBoolean()
  WEBHOOKS_ALLOW_PRIVATE_URLS = false;

  /** How often each instance looks for webhook deliveries that are due, in milliseconds. */
  @Transform(toInt) @IsInt() @Min(10) @Max(60_000)
  WEBHOOKS_POLL_MS = 1000;

  /** How often each instance looks for keys crossing 30, 7 or 1 days before expiry, in milliseconds. */
  @Transform(toInt) @IsInt() @Min(10) @Max(60_000)
  WEBHOOKS_EXPIRY_SCAN_MS = 30_000;

  /** How long a receiver has to answer a delivery before the attempt counts as failed, in milliseconds. */
  @Transform(toInt) @IsInt() @Min(100) @Max(60_000)
  WEBHOOKS_TIMEOUT_MS = 10_000;

  /** Webhooks a tenant may have (and system-wide ones, counted together). */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  WEBHOOKS_MAX_PER_TENANT = 20;

  get embedded(): boolean {
    return !this.DATABASE_URL;
  }
}

export class ConfigValidationError extends Error {}

/** Builds the configuration from an environment, or says exactly what is wrong with it. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const config = plainToInstance(AppConfig, { ...env }, { exposeDefaultValues: true });
  // whitelist drops every variable that is not one of keygate's settings
  const errors = validateSync(config, { whitelist: true });
  if (errors.length) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigValidationError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}
