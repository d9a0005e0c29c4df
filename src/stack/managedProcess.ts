import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './config';

export interface ManagedProcessOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Output goes here, so a failing service can be diagnosed after the fact. */
  logFile: string;
  /** Polled until it resolves true; a fixed sleep would be either flaky or slow. */
  isReady: () => Promise<boolean>;
  readyTimeoutMs?: number;
}

/** Stops services a killed earlier run left behind in this logs folder (before their ports are checked). */
export function stopLeftovers(logsDir: string): void {
  let names: string[] = [];
  try {
    names = fs.readdirSync(logsDir);
  } catch {
    return;
  }
  for (const name of names) if (name.endsWith('.pid')) stopLeftover(path.join(logsDir, name));
}

/**
 * A service left running by a run that was killed (no chance to clean up) would
 * hold its port forever; its pid file lets the next run stop it first.
 */
function stopLeftover(pidFile: string): void {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8'));
  } catch {
    return;
  }
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes(repoRoot)) {
      signalGroup(pid, 'SIGKILL');
      const deadline = Date.now() + 3000;
      while (fs.existsSync(`/proc/${pid}`) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  } catch {
    // Not running any more.
  }
  fs.rmSync(pidFile, { force: true });
}

export class ServiceStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceStartError';
  }
}

/** A child service in its own process group, so stopping it also stops whatever it spawned. */
export class ManagedProcess {
  private exited: Promise<void>;
  private exitCode: number | null | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly logFile: string,
    private readonly pidFile: string,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve();
      }),
    );
  }

  static async start(options: ManagedProcessOptions): Promise<ManagedProcess> {
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    const pidFile = `${options.logFile.replace(/\.log$/, '')}.pid`;
    const log = fs.openSync(options.logFile, 'a');
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', log, log],
      detached: true,
    });
    fs.closeSync(log);
    if (child.pid !== undefined) fs.writeFileSync(pidFile, String(child.pid));
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const managed = new ManagedProcess(options.name, child, options.logFile, pidFile);
    try {
      await managed.waitUntilReady(options, spawnError);
    } catch (error) {
      await managed.stop();
      throw error;
    }
    return managed;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Resolves with the exit code (null after a signal) once the process has ended, however it ended. */
  async whenExited(): Promise<number | null> {
    await this.exited;
    return this.exitCode ?? null;
  }

  private async waitUntilReady(options: ManagedProcessOptions, spawnError: Promise<Error>): Promise<void> {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    let failed: Error | undefined;
    void spawnError.then((error) => (failed = error));
    while (Date.now() < deadline) {
      if (failed) throw new ServiceStartError(`${this.name} could not be started: ${failed.message}`);
      if (!this.running) {
        throw new ServiceStartError(
          `${this.name} exited with code ${this.exitCode} while starting.\n${tail(this.logFile)}`,
        );
      }
      if (await options.isReady().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new ServiceStartError(
      `${this.name} did not become ready within ${(options.readyTimeoutMs ?? 60_000) / 1000}s.\n${tail(this.logFile)}`,
    );
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.running || this.child.pid === undefined) return;
    signalGroup(this.child.pid, 'SIGTERM');
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
    if ((await Promise.race([this.exited, timer])) === 'timeout') {
      signalGroup(this.child.pid, 'SIGKILL');
      await this.exited;
    }
    // Grandchildren that ignored SIGTERM must not outlive the stack.
    signalGroup(this.child.pid, 'SIGKILL');
    fs.rmSync(this.pidFile, { force: true });
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function tail(file: string, lines = 20): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    return text ? `Last lines of ${file}:\n${text}` : `(no output in ${file})`;
  } catch {
    return `(no log at ${file})`;
  }
}
