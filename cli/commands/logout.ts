import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { KeygateClient } from '../keygate-client.js';
import { credentialsStore, parseServerUrl } from '../session.js';

export const logoutCommand: Command = {
  path: ['logout'],
  summary: 'end the session on the server (POST /api/auth/logout) and forget the stored login',
  flags: [],
  async run(_values, io) {
    const store = credentialsStore(io);
    // a damaged login names no session: it is only removed
    const login = store.readIfIntact();
    let ended: boolean | undefined;
    let failure: string | undefined;
    try {
      if (login) ended = await new KeygateClient(parseServerUrl(login.url, 'the stored login'), { kind: 'login', login, store }).logout();
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    // forgotten here whatever the server said: a person who logs out must not stay logged in
    const removed = store.remove();
    if (failure) throw new CliError(`the session on ${login!.url} could not be ended: ${failure}; ${store.file} is removed all the same, and the session stays valid until it expires`);
    if (!removed) return io.note('not logged in; nothing to remove');
    if (!login) return io.note(`removed ${store.file}, which could not be read`);
    io.note(`logged out of ${login.url}: ${ended ? 'the server ended the session' : 'its session had ended already'}; removed ${store.file}`);
  },
};

