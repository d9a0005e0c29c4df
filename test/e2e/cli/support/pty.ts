import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { binPath, printed } from './cli';

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

// eslint-disable-next-line no-control-regex
const ansiPattern = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g;

/**
 * The real `remote-batch` binary on a pseudo-terminal (util-linux `script`),
 * so it sees a TTY exactly as in a person's terminal: prompts, hidden input,
 * live status lines. `expect` waits for text on the screen; `send` types.
 */
export class PtySession {
  private readonly child: ChildProcessWithoutNullStreams;
  /** Everything the terminal showed, escape sequences included. */
  raw = '';
  private consumed = 0;
  readonly exited: Promise<number>;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    const command = [process.execPath, binPath, ...args].map(shellQuote).join(' ');
    this.child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...env, TERM: 'xterm-256color', SHELL: '/bin/sh' } });
    this.child.stdout.on('data', (chunk: Buffer) => (this.raw += chunk.toString('utf8')));
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code) => {
        printed.push(this.raw);
        resolve(code ?? -1);
      }),
    );
  }

  /** The screen's text without colours and cursor movement. */
  get text(): string {
    return this.raw.replace(ansiPattern, '');
  }

  /** Waits until `pattern` shows up after what earlier expects matched; returns the match. */
  async expect(pattern: RegExp | string, timeoutInMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutInMs;
    for (;;) {
      const rest = this.text.slice(this.consumed);
      const match = typeof pattern === 'string' ? (rest.includes(pattern) ? [pattern] : null) : pattern.exec(rest);
      if (match) {
        this.consumed += rest.indexOf(match[0]) + match[0].length;
        return match[0];
      }
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}; it shows:\n${this.text}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Types a line, as a person would (Enter included). */
  typeLine(text: string): void {
    this.child.stdin.write(`${text}\r`);
  }

  /** Ctrl-C. */
  interrupt(): void {
    this.child.stdin.write('\x03');
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
