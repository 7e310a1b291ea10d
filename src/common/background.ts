import type { Logger } from '@nestjs/common';

/**
 * Runs work that no request waits for (a timer, a batch, a listener) so that its failure can never
 * take the process down: a throw or a rejection is logged with its stack and `onError` runs, to let
 * whatever the work vouched for fail closed. Returns nothing to await: the caller goes on.
 */
export function runContained(logger: Logger, task: string, work: () => unknown, onError?: (error: unknown) => void): void {
  const failed = (error: unknown): void => {
    logger.error(`${task} failed: ${describe(error)}`, error instanceof Error ? error.stack : undefined);
    if (!onError) return;
    try {
      onError(error);
    } catch (second) {
      logger.error(`${task}: recovering from the failure failed too: ${describe(second)}`, second instanceof Error ? second.stack : undefined);
    }
  };
  try {
    const result = work();
    if (result instanceof Promise) result.catch(failed);
  } catch (error) {
    failed(error);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
