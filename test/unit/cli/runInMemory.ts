import { PassThrough, Writable } from 'node:stream';
import type { CliIO, ClosablePrompter } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/run';

class Capture extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export interface InMemoryRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real command tree in-process, with captured output and no terminal. */
export async function runInMemory(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; prompter?: () => ClosablePrompter; stdin?: string } = {},
): Promise<InMemoryRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? '');
  const io: CliIO = {
    stdin,
    stdout,
    stderr,
    // Nothing from the developer's shell leaks in; an unreachable Temporal fails fast.
    env: { TEMPORAL_ADDRESS: '127.0.0.1:1', REMOTE_BATCH_CONNECTIONS_FILE: '/nonexistent/connections.json', ...options.env },
    signal: new AbortController().signal,
    prompter: options.prompter,
  };
  const code = await runCli(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
