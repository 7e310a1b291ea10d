import type { Command } from '../command.js';
import { credentialsStore } from '../session.js';

export const logoutCommand: Command = {
  path: ['logout'],
  summary: 'forget the stored login',
  flags: [],
  async run(_values, io) {
    const store = credentialsStore(io);
    io.note(store.remove() ? `logged out; removed ${store.file}` : 'not logged in; nothing to remove');
  },
};
