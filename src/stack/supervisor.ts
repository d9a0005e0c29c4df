import fs from 'node:fs';
import type { ManagedProcess } from './managedProcess';

/** A service that ran this long before dying starts its backoff afresh. */
const healthyAfterMs = 60_000;
const firstDelayMs = 500;
const maxDelayMs = 30_000;

export interface SupervisorReport {
  /** The terminal (npm run stack) or whatever the stack's caller logs to. */
  log: (line: string) => void;
  /** The stack log, `<data dir>/logs/stack.log`: a restart is visible after the fact too. */
  stackLogFile: string;
}

export interface SupervisedService {
  readonly name: string;
  /** The process running now (a new one after each restart). */
  current(): ManagedProcess;
  /** How many times it was restarted. */
  restarts(): number;
  /** Stops it and starts it again at once, on request (no backoff, not counted as a death). */
  restartNow(): Promise<void>;
  stop(): Promise<void>;
}

function reportLine(report: SupervisorReport, line: string): void {
  report.log(line);
  try {
    fs.appendFileSync(report.stackLogFile, `${new Date().toISOString()} ${line}\n`);
  } catch {
    // The terminal has it; a full disk must not stop the supervision.
  }
}

/**
 * Keeps one service running: when its process dies (a crash, an OOM kill, a
 * SIGKILL), it is started again the same way after a backoff that doubles
 * while it keeps dying, and each death and restart is reported.
 */
export function supervise(name: string, first: ManagedProcess, restart: () => Promise<ManagedProcess>, report: SupervisorReport): SupervisedService {
  let current = first;
  let stopping = false;
  let restarts = 0;
  let failuresInARow = 0;
  let startedAt = Date.now();
  let wake: (() => void) | undefined;
  let requested: { done: () => void; failed: (error: Error) => void } | undefined;
  /** The restart asked for (restartNow), taken once. */
  const takeRequest = () => {
    const request = requested;
    requested = undefined;
    return request;
  };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const watching = (async () => {
    for (;;) {
      const code = await current.whenExited();
      if (stopping) return;
      const request = takeRequest();
      if (request) {
        try {
          startedAt = Date.now();
          current = await restart();
          reportLine(report, `${name} restarted on request (pid ${current.pid})`);
          request.done();
        } catch (error) {
          request.failed(error as Error);
        }
        continue;
      }
      failuresInARow = Date.now() - startedAt > healthyAfterMs ? 0 : failuresInARow + 1;
      const delayMs = Math.min(maxDelayMs, firstDelayMs * 2 ** Math.max(0, failuresInARow - 1));
      reportLine(report, `${name} exited (${code === null ? 'killed by a signal' : `code ${code}`}); restarting in ${(delayMs / 1000).toFixed(1)}s`);
      await pause(delayMs);
      if (stopping) return;
      try {
        startedAt = Date.now();
        current = await restart();
        restarts++;
        if (stopping) return void (await current.stop());
        reportLine(report, `${name} restarted (pid ${current.pid})`);
        // A restart asked for while it was already down is this one.
        takeRequest()?.done();
      } catch (error) {
        reportLine(report, `${name} could not be restarted: ${(error as Error).message.split('\n')[0]}`);
        // `current` is still the dead process: the loop comes straight back here, with a longer pause.
      }
    }
  })();

  return {
    name,
    current: () => current,
    restarts: () => restarts,
    restartNow() {
      return new Promise<void>((done, failed) => {
        requested = { done, failed };
        wake?.();
        void current.stop();
      });
    },
    async stop() {
      stopping = true;
      wake?.();
      await current.stop();
      await watching;
    },
  };
}
