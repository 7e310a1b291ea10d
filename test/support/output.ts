/** Everything the app writes to stdout and stderr while `run` runs. */
export async function captureOutput(run: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const original = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const tap = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  process.stdout.write = tap as typeof process.stdout.write;
  process.stderr.write = tap as typeof process.stderr.write;
  try {
    await run();
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }
  return chunks.join('');
}
