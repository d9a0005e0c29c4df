import fs from 'node:fs';
import path from 'node:path';
import { setLongTimeout } from '../model/longTimer';
import type { FailureInfo } from '../model/types';
import { CommandLineError, splitCommandLine } from './commandLine';
import { TaskFailures } from './failures';
import { uploadOutputFiles, type OutputFileSpec } from './outputFiles';
import type { ProcessLaunchers } from './launcher';
import { exitCodeForSignal, killProcessGroup } from './processGroup';
import { downloadResourceFiles, type ResourceFileSpec } from './resourceFiles';

export interface TaskRunSpec {
  commandLine: string;
  taskDir: string;
  workingDir: string;
  environment: Record<string, string>;
  resourceFiles: ResourceFileSpec[];
  outputFiles: OutputFileSpec[];
  /** Milliseconds; Infinity for no limit. */
  maxWallClockMs: number;
  maxWallClockText: string;
  /** Resolves once the node is ready for the task (its job preparation task ran): true, or false when it failed. */
  prepared?: Promise<boolean>;
}

/** Why the emulator stopped a task's process before it ended on its own. */
export type StopReason = 'terminated' | 'nodeLost' | 'shutdown';

export type AttemptOutcome =
  | { kind: 'notPrepared' }
  | { kind: 'preprocessingFailed'; failureInfo: FailureInfo }
  | { kind: 'exited'; exitCode: number; uploadFailure?: FailureInfo }
  | { kind: 'launchFailed'; failureInfo: FailureInfo }
  | { kind: 'wallClockExceeded'; exitCode: number; uploadFailure?: FailureInfo }
  | { kind: 'stopped'; reason: StopReason; exitCode?: number; uploadFailure?: FailureInfo };

export interface TaskRunHooks {
  /** Resource files are in place and the process is about to start. */
  onRunning(pid: number | undefined): void;
}

/**
 * One attempt at running a task on a node: prepare the directories, download
 * resource files, run the command line without a shell in its own process group,
 * enforce maxWallClockTime, then upload output files by their conditions.
 */
export class TaskRun {
  readonly outcome: Promise<AttemptOutcome>;
  private readonly abort = new AbortController();
  private pid: number | undefined;
  private stopReason: StopReason | undefined;

  constructor(
    private readonly spec: TaskRunSpec,
    private readonly launchers: ProcessLaunchers,
    private readonly hooks: TaskRunHooks,
  ) {
    this.outcome = this.run();
  }

  /** Kills the process (if any) and makes the attempt end with the given reason. */
  stop(reason: StopReason): void {
    this.stopReason ??= reason;
    this.abort.abort();
    killProcessGroup(this.pid);
  }

  private async run(): Promise<AttemptOutcome> {
    const outcome = await this.attempt();
    if (outcome.kind === 'preprocessingFailed' || outcome.kind === 'launchFailed') await this.ensureLogFiles();
    return outcome;
  }

  /** A task that never started still has (empty) stdout.txt and stderr.txt, as clients read them. */
  private async ensureLogFiles(): Promise<void> {
    await fs.promises.mkdir(this.spec.workingDir, { recursive: true });
    for (const name of ['stdout.txt', 'stderr.txt']) await fs.promises.appendFile(path.join(this.spec.taskDir, name), '');
  }

  private async attempt(): Promise<AttemptOutcome> {
    const { spec } = this;
    if (spec.prepared) {
      const ready = await this.untilStopped(spec.prepared);
      if (this.stopReason) return { kind: 'stopped', reason: this.stopReason };
      if (!ready) return { kind: 'notPrepared' };
    }
    // The launcher creates the directories and stdout/stderr files, off the event loop;
    // only downloads need the working directory earlier.
    if (spec.resourceFiles.length > 0) await fs.promises.mkdir(spec.workingDir, { recursive: true });
    const downloadFailure = await downloadResourceFiles(spec.resourceFiles, spec.workingDir, this.abort.signal);
    if (this.stopReason) return { kind: 'stopped', reason: this.stopReason };
    if (downloadFailure) return { kind: 'preprocessingFailed', failureInfo: downloadFailure };

    let argv: string[];
    try {
      argv = splitCommandLine(spec.commandLine);
    } catch (error) {
      if (error instanceof CommandLineError) return { kind: 'launchFailed', failureInfo: TaskFailures.commandLaunchFailed(error.message) };
      throw error;
    }
    if (argv.length === 0) return { kind: 'launchFailed', failureInfo: TaskFailures.commandLaunchFailed('The command line is empty.') };


    const ended = await this.runProcess(argv);
    if (ended.kind === 'launchFailed') return ended;
    if (this.stopReason === 'nodeLost' || this.stopReason === 'shutdown') return { kind: 'stopped', reason: this.stopReason };

    const succeeded = !ended.wallClock && !this.stopReason && ended.exitCode === 0;
    const uploadFailure = await uploadOutputFiles(spec.outputFiles, succeeded, spec.workingDir, spec.taskDir).catch((error: Error) =>
      TaskFailures.fileUploadFailed('*', error.message),
    );
    if (ended.wallClock) return { kind: 'wallClockExceeded', exitCode: ended.exitCode, uploadFailure };
    if (this.stopReason) return { kind: 'stopped', reason: this.stopReason, exitCode: ended.exitCode, uploadFailure };
    return { kind: 'exited', exitCode: ended.exitCode, uploadFailure };
  }

  /** Waits for `promise`, or resolves undefined as soon as the attempt is stopped. */
  private untilStopped<T>(promise: Promise<T>): Promise<T | undefined> {
    if (this.stopReason) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => resolve(undefined);
      this.abort.signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          this.abort.signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          this.abort.signal.removeEventListener('abort', onAbort);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  private async runProcess(argv: string[]): Promise<{ kind: 'ended'; exitCode: number; wallClock: boolean } | { kind: 'launchFailed'; failureInfo: FailureInfo }> {
    const { spec } = this;
    if (this.stopReason) return { kind: 'ended', exitCode: exitCodeForSignal('SIGKILL'), wallClock: false };
    const process_ = this.launchers.launch({
      file: argv[0],
      args: argv.slice(1),
      cwd: spec.workingDir,
      env: spec.environment,
      stdoutPath: path.join(spec.taskDir, 'stdout.txt'),
      stderrPath: path.join(spec.taskDir, 'stderr.txt'),
    });
    try {
      this.pid = await process_.started;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELAUNCHER') return { kind: 'ended', exitCode: exitCodeForSignal('SIGKILL'), wallClock: false };
      const failureInfo = code === 'ENOENT' ? TaskFailures.commandProgramNotFound(argv[0]) : TaskFailures.commandLaunchFailed((error as Error).message);
      return { kind: 'launchFailed', failureInfo };
    }
    // stop() may have come while the process was being started.
    if (this.stopReason) killProcessGroup(this.pid);
    else this.hooks.onRunning(this.pid);
    let wallClock = false;
    const timer = Number.isFinite(spec.maxWallClockMs)
      ? setLongTimeout(() => {
          wallClock = true;
          killProcessGroup(this.pid);
        }, spec.maxWallClockMs)
      : undefined;
    const { code, signal } = await process_.exited;
    timer?.cancel();
    return { kind: 'ended', exitCode: code ?? exitCodeForSignal(signal), wallClock };
  }
}
