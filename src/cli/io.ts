import type { Writable } from 'node:stream';
import type { Prompter } from '../connections/login';

export type OutputStream = Writable & { isTTY?: boolean; columns?: number };
export type InputStream = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

/** A prompter the caller must close, so a terminal is always put back the way it was. */
export interface ClosablePrompter extends Prompter {
  close(): void;
}

/** Everything the CLI touches outside itself, so tests can run it in-process. */
export interface CliIO {
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C: commands that wait stop waiting. */
  signal: AbortSignal;
  /** Builds the prompter `login` uses; a terminal prompter unless a test replaces it. */
  prompter?: () => ClosablePrompter;
}

/**
 * Data goes to stdout (a bare id, a table, JSON); everything said to a person
 * (progress, hints, errors) goes to stderr, so `$(remote-batch submit …)` and
 * `--json | jq` get only data.
 */
export class Output {
  constructor(private readonly io: CliIO) {}

  /** Whether stdout is a terminal: live status lines and colour only then. */
  get isTTY(): boolean {
    return Boolean(this.io.stdout.isTTY);
  }

  get columns(): number {
    return this.io.stdout.columns || 80;
  }

  get color(): boolean {
    return this.isTTY && !this.io.env.NO_COLOR && this.io.env.TERM !== 'dumb';
  }

  line(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }

  write(text: string): void {
    this.io.stdout.write(text);
  }

  json(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One JSON value per line (for streams of events). */
  jsonLine(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value)}\n`);
  }

  info(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }
}
