import readline from 'node:readline';
import { Writable } from 'node:stream';
import { CliError, exitCodes } from './exitCodes';
import type { ClosablePrompter, InputStream, OutputStream } from './io';

/** Passes writes through to the terminal, except while muted (a secret is being typed). */
class MutableOutput extends Writable {
  muted = false;

  constructor(private readonly target: OutputStream) {
    super();
  }

  get isTTY(): boolean {
    return Boolean(this.target.isTTY);
  }

  get columns(): number {
    return this.target.columns || 80;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // Decided now and acknowledged at once, so nothing queues up and leaks out after a secret prompt unmutes.
    if (!this.muted) this.target.write(chunk);
    callback();
  }
}

/**
 * Questions on stderr, answers from stdin: line editing on a terminal, plain
 * lines from a pipe (so scripts can answer too). Secrets are read with echo off.
 */
export class TerminalPrompter implements ClosablePrompter {
  private readonly output: MutableOutput;
  private readonly rl: readline.Interface;
  private readonly lines: string[] = [];
  private waiting?: { resolve: (line: string) => void; reject: (error: Error) => void };
  private ended?: Error;

  constructor(input: InputStream, private readonly errorStream: OutputStream) {
    this.output = new MutableOutput(errorStream);
    this.rl = readline.createInterface({
      input,
      output: this.output,
      terminal: Boolean(input.isTTY && errorStream.isTTY),
      historySize: 0,
    });
    // Lines can arrive before they are asked for (a pipe): keep them in order.
    this.rl.on('line', (line) => {
      if (this.waiting) {
        const { resolve } = this.waiting;
        this.waiting = undefined;
        resolve(line);
      } else {
        this.lines.push(line);
      }
    });
    this.rl.on('close', () => this.end(new CliError('input ended before every question was answered; pass the answers as flags (see remote-batch login --help).', exitCodes.usage)));
    this.rl.on('SIGINT', () => this.end(new CliError('interrupted; nothing was saved.', exitCodes.interrupted)));
  }

  private end(error: Error): void {
    this.ended ??= error;
    if (this.waiting) {
      const { reject } = this.waiting;
      this.waiting = undefined;
      reject(this.ended);
    }
  }

  private nextLine(): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  async ask(question: string, options: { default?: string; secret?: boolean } = {}): Promise<string> {
    const suffix = options.default ? ` [${options.default}]` : '';
    if (question) {
      this.rl.setPrompt(`${question}${suffix}: `);
      this.rl.prompt();
    }
    if (!options.secret) return this.nextLine();
    this.output.muted = true;
    try {
      return await this.nextLine();
    } finally {
      this.output.muted = false;
      if (question) this.errorStream.write('\n');
    }
  }

  async confirm(question: string, defaultYes: boolean): Promise<boolean> {
    for (;;) {
      const answer = (await this.ask(`${question} ${defaultYes ? '[Y/n]' : '[y/N]'}`)).trim().toLowerCase();
      if (answer === '') return defaultYes;
      if (['y', 'yes'].includes(answer)) return true;
      if (['n', 'no'].includes(answer)) return false;
      this.say('Please answer y or n.');
    }
  }

  say(line: string): void {
    this.errorStream.write(`${line}\n`);
  }

  close(): void {
    this.rl.close();
  }
}
