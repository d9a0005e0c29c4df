/** What `remote-batch` exits with; documented in docs/cli.md ("Exit codes"). */
export const exitCodes = {
  /** The command did what was asked; for commands that wait, the job succeeded. */
  ok: 0,
  /** The job ended Failed (or was aborted) — from watch, result, submit --wait, outputs --wait. */
  jobFailed: 1,
  /** The command line is wrong: unknown command or flag, a bad value, no pool given. */
  usage: 2,
  /** No such job, pool, connection, property, child or output file. */
  notFound: 3,
  /** The job has not finished yet and the command was told not to wait (or its --timeout passed), or cannot act on it until it has (delete). */
  notFinished: 4,
  /** Credentials were refused, or the connections file cannot be used. */
  credentials: 5,
  /** Temporal, Azure Batch or Blob Storage could not be reached. */
  unavailable: 6,
  /** Anything else; the message says what happened (REMOTE_BATCH_DEBUG=1 adds the stack trace). */
  internal: 70,
  /** Interrupted with Ctrl-C. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** An expected way for a command to end, with its message and exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: ExitCode) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, exitCodes.usage);
export const notFoundError = (message: string) => new CliError(message, exitCodes.notFound);
