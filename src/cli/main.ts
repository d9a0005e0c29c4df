import { runCli } from './run';

/** `remote-batch`: the process around runCli — real streams, Ctrl-C, the exit code. */
async function main(): Promise<void> {
  const interrupt = new AbortController();
  let interrupts = 0;
  // A reader that stopped reading (`remote-batch … | head -1`) has what it wanted: stop quietly, as Unix tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  process.on('SIGINT', () => {
    // First Ctrl-C: commands stop waiting and say so. Second: leave at once.
    if (++interrupts > 1) process.exit(130);
    interrupt.abort();
  });
  const code = await runCli(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: interrupt.signal,
  });
  // Flush what is buffered for a pipe before leaving; open gRPC channels would otherwise keep the process alive.
  process.stdout.write('', () => process.exit(code));
}

void main();
