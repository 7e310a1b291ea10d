import { CliError, UsageError } from '../cli-error.js';
import type { Command, FlagValues } from '../command.js';
import type { Io } from '../io.js';
import { KeygateClient } from '../keygate-client.js';
import { URL_FLAG, credentialsStore, serverKey, serverUrl } from '../session.js';

export const loginCommand: Command = {
  path: ['login'],
  summary: 'log in with an email and password, and keep the token for the next commands',
  flags: [
    { name: 'username', type: 'string', value: '<email>', description: "the user's email", required: true },
    {
      name: 'password',
      type: 'string',
      value: '<password>',
      description: 'visible to other processes: prefer KEYGATE_PASSWORD or the prompt in a terminal',
    },
    URL_FLAG,
  ],
  examples: ['keygate login --url http://localhost:3000 --username admin@keygate.local'],
  async run(values, io) {
    const store = credentialsStore(io);
    // the login replaced lends its server; a damaged one is what a new login repairs
    const server = serverUrl(values, io, store.readIfIntact());
    const password = await passwordOf(values, io);
    const pair = await new KeygateClient(server, { kind: 'none' }).login(values.username as string, password);
    store.write({ url: serverKey(server), token: pair.token, refreshToken: pair.refreshToken });
    io.note(`logged in to ${serverKey(server)} as ${values.username}; the token is kept in ${store.file}`);
  },
};

/** `--password`, else `KEYGATE_PASSWORD`, else typed at the terminal. */
async function passwordOf(values: FlagValues, io: Io): Promise<string> {
  if (typeof values.password === 'string') return values.password;
  if (io.env.KEYGATE_PASSWORD) return io.env.KEYGATE_PASSWORD;
  const typed = await io.askPassword('Password: ');
  if (typed === undefined) throw new UsageError('no password: set KEYGATE_PASSWORD, pass --password, or run "keygate login" in a terminal');
  if (!typed) throw new CliError('no password typed; login cancelled');
  return typed;
}
