// Preloaded into the server by `npm run bench -- --profile`: SIGWINCH (ignored by default, and not one of
// the signals Nest's shutdown hooks take) starts V8's sampling profiler,
// the next SIGWINCH stops it and writes the profile to PROFILE_FILE_PREFIX-<n>.cpuprofile
// (open it in Chrome DevTools or speedscope), so each scenario gets a profile of its own.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 100 });
let running = false;
let written = 0;
process.on('SIGWINCH', () => {
  if (!running) {
    session.post('Profiler.start');
    running = true;
    return;
  }
  running = false;
  session.post('Profiler.stop', (error, result) => {
    if (error) return console.error('[profile]', error.message);
    writeFileSync(`${process.env.PROFILE_FILE_PREFIX}-${written++}.cpuprofile`, JSON.stringify(result.profile));
  });
});
