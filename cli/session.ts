import { CliError, UsageError } from './cli-error.js';
import type { Flag, FlagValues } from './command.js';
import { CredentialsStore, credentialsFile, type StoredLogin } from './credentials-store.js';
import type { Io } from './io.js';
import { type ClientOptions, KeygateClient } from './keygate-client.js';

export const DEFAULT_URL = 'http://localhost:3000';

/** The flag every command that talks to a server takes. */
export const URL_FLAG: Flag = {
  name: 'url',
  type: 'string',
  value: '<url>',
  description: `keygate server (else KEYGATE_URL, else the login's server, else ${DEFAULT_URL})`,
  section: 'global',
};

export function credentialsStore(io: Io): CredentialsStore {
  return new CredentialsStore(credentialsFile(io.env), io.note);
}

/** `--url`, else `KEYGATE_URL`, else the stored login's server, else the default. */
export function serverUrl(values: FlagValues, io: Io, stored?: StoredLogin): URL {
  if (typeof values.url === 'string') return parseServerUrl(values.url, '--url');
  if (io.env.KEYGATE_URL) return parseServerUrl(io.env.KEYGATE_URL, 'KEYGATE_URL');
  if (stored) return parseServerUrl(stored.url, 'the stored login');
  return new URL(DEFAULT_URL);
}

export function parseServerUrl(text: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError(`${source} "${text}" is not a URL; give one like ${DEFAULT_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${source} "${text}" is not an http or https URL; give one like ${DEFAULT_URL}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new UsageError(`${source} "${text}" must be only the server's address, like ${DEFAULT_URL}`);
  }
  return url;
}

/** The server's address as the login remembers it: no trailing slash, so equal servers compare equal. */
export function serverKey(url: URL): string {
  return url.href.replace(/\/+$/, '');
}

/** A client with `KEYGATE_API_KEY` if set, else the stored login, whose token goes only to the server that issued it. */
export function openSession(values: FlagValues, io: Io, options?: ClientOptions): KeygateClient {
  const apiKey = io.env.KEYGATE_API_KEY?.trim();
  const store = credentialsStore(io);
  const login = apiKey ? undefined : store.read();
  const server = serverUrl(values, io, login);
  if (apiKey) return new KeygateClient(server, { kind: 'apiKey', key: apiKey }, options);
  if (!login) {
    throw new CliError(`not logged in; run "keygate login --url ${serverKey(server)} --username <email>" or set KEYGATE_API_KEY`);
  }
  if (serverKey(parseServerUrl(login.url, 'the stored login')) !== serverKey(server)) {
    throw new CliError(`you are logged in to ${login.url}, not ${serverKey(server)}; run "keygate login --url ${serverKey(server)} --username <email>" or set KEYGATE_API_KEY`);
  }
  return new KeygateClient(server, { kind: 'login', login, store }, options);
}
