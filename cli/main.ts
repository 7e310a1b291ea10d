import { EXIT_FAILURE } from './cli-error.js';
import { processIo } from './io.js';
import { runKeygate } from './keygate-cli.js';

// `keygate … | head` closes the pipe early; that is the reader's choice, not a failure
process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : EXIT_FAILURE));

process.exitCode = await runKeygate(process.argv.slice(2), processIo());
