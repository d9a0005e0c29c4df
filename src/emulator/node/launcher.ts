import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { LAUNCHER_PROGRAM } from './launcherProgram';
import { PYTHON_LAUNCHER_PROGRAM } from './launcherProgramPython';

/** Which launcher program starts task processes; `auto` takes Python when it has posix_spawn and pidfd_open. */
export type LauncherKind = 'auto' | 'node' | 'python';

const PYTHON = 'python3';

function pythonCanLaunch(): boolean {
  if (process.platform !== 'linux') return false;
  const probe = spawnSync(PYTHON, ['-c', 'import os, sys; sys.exit(0 if sys.version_info >= (3, 9) and hasattr(os, "pidfd_open") and hasattr(os, "posix_spawn") else 1)'], {
    stdio: 'ignore',
    timeout: 5_000,
  });
  return probe.status === 0;
}

export interface LaunchRequest {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  stdoutPath: string;
  stderrPath: string;
}

export interface LaunchedProcess {
  /** Resolves with the pid once the program runs, or rejects with the spawn error (code ENOENT, EACCES, …). */
  started: Promise<number>;
  /** Resolves when the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface Pending {
  launcher: ChildProcess;
  resolveStart(pid: number): void;
  rejectStart(error: Error): void;
  resolveExit(result: { code: number | null; signal: NodeJS.Signals | null }): void;
}

type LauncherMessage = { id: number; pid?: number; error?: { code: string; message: string }; exit?: number | null; signal?: NodeJS.Signals | null };

/** Small helper processes that start task processes on the emulator's behalf (see launcherProgram.ts). */
export class ProcessLaunchers {
  private readonly launchers: ChildProcess[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private nextLauncher = 0;
  private closed = false;

  private readonly program: { command: string; args: string[] };

  constructor(
    kind: LauncherKind = 'auto',
    private readonly count = Math.max(2, Math.min(4, os.availableParallelism())),
  ) {
    const python = kind === 'python' || (kind === 'auto' && pythonCanLaunch());
    this.program = python ? { command: PYTHON, args: ['-c', PYTHON_LAUNCHER_PROGRAM] } : { command: process.execPath, args: ['-e', LAUNCHER_PROGRAM] };
  }

  launch(request: LaunchRequest): LaunchedProcess {
    if (this.closed) throw new Error('The emulator is shutting down.');
    const id = ++this.nextId;
    const launcher = this.launcher();
    let pending!: Pending;
    const started = new Promise<number>((resolveStart, rejectStart) => {
      pending = { launcher, resolveStart, rejectStart, resolveExit: () => undefined };
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
      pending.resolveExit = resolveExit;
    });
    started.catch(() => undefined);
    this.pending.set(id, pending);
    const message = { id, file: request.file, args: request.args, cwd: request.cwd, env: request.env, stdout: request.stdoutPath, stderr: request.stderrPath };
    launcher.stdin!.write(JSON.stringify(message) + '\n');
    return { started, exited };
  }

  /** Ends the launchers; they kill any process group they still watch. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.launchers.map(
        (launcher) =>
          new Promise<void>((resolve) => {
            if (launcher.exitCode !== null || launcher.signalCode !== null) return resolve();
            launcher.once('exit', () => resolve());
            launcher.stdin!.end();
          }),
      ),
    );
    for (const pending of this.pending.values()) pending.resolveExit({ code: null, signal: 'SIGKILL' });
    this.pending.clear();
  }

  private launcher(): ChildProcess {
    if (this.launchers.length < this.count) this.launchers.push(this.startLauncher());
    const launcher = this.launchers[this.nextLauncher++ % this.launchers.length];
    if (launcher.exitCode === null && launcher.signalCode === null) return launcher;
    const replacement = this.startLauncher();
    this.launchers[this.launchers.indexOf(launcher)] = replacement;
    return replacement;
  }

  private startLauncher(): ChildProcess {
    // Without the parent's loaders (tsx, jest), the launcher stays small and starts fast.
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(this.program.command, this.program.args, { stdio: ['pipe', 'pipe', 'inherit'], env });
    child.stdin!.on('error', () => undefined);
    child.once('exit', () => this.launcherGone(child));
    let buffer = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line) this.receive(JSON.parse(line) as LauncherMessage);
      }
    });
    return child;
  }

  /** A launcher that died takes its processes' news with it: they count as killed. */
  private launcherGone(launcher: ChildProcess): void {
    for (const [id, pending] of this.pending) {
      if (pending.launcher !== launcher) continue;
      this.pending.delete(id);
      pending.rejectStart(Object.assign(new Error('The process launcher stopped.'), { code: 'ELAUNCHER' }));
      pending.resolveExit({ code: null, signal: 'SIGKILL' });
    }
  }

  private receive(message: LauncherMessage): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.pid !== undefined) pending.resolveStart(message.pid);
    else if (message.error) pending.rejectStart(Object.assign(new Error(message.error.message), { code: message.error.code }));
    else if ('exit' in message) {
      this.pending.delete(message.id);
      pending.resolveExit({ code: message.exit ?? null, signal: message.signal ?? null });
    }
  }
}
