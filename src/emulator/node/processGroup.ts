/** Signals a whole process group, so a task's children die with it. */
export function killProcessGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };

/** The exit code a shell would report for a process ended by a signal (128 + signal number). */
export function exitCodeForSignal(signal: NodeJS.Signals | null): number {
  return 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 0) : 0);
}
