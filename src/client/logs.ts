import { StringDecoder } from 'node:string_decoder';
import { stderrFileName, stdoutFileName, taskLogPath } from '../model/conventions';
import { isFinished, type JobStatus } from '../model/status';
import { type OperationOptions, pause } from './abort';
import type { BatchEnvironment } from './environment';
import { throwIfDeleted } from './deletedJob';

export interface JobLogsOptions extends OperationOptions {
  /** Keep reading while the job runs, until it ends (like `tail -f`). */
  follow?: boolean;
  /** `stdout` (the JobLog, default) or `stderr` (the JobStandardErrorLog). */
  stream?: 'stdout' | 'stderr';
  /** How often a followed log is read again; default 500 ms. */
  pollIntervalInMs?: number;
}

/** What has a log: a Single job or an array child. */
export interface LogSource {
  readonly environment: BatchEnvironment;
  /** The job's own id (a child's: `rb-…/n`), for messages. */
  readonly jobId: string;
  state(options?: OperationOptions): Promise<{ jobId: string; taskId: string; status: JobStatus }>;
}

/**
 * A job's log as it grows: from the compute node while the task runs (Batch's
 * task file API), from Blob Storage ($TaskLog) once it has ended. Yields only
 * text not yielded before, so a followed log prints each line once.
 */
export async function* jobLogs(job: LogSource, options: JobLogsOptions = {}): AsyncGenerator<string> {
  const file = options.stream === 'stderr' ? stderrFileName : stdoutFileName;
  const azure = job.environment.azure();
  const decoder = new StringDecoder('utf8');
  let emitted = 0;

  const fromNode = (jobId: string, taskId: string) => azure.batch.readTaskFile(jobId, taskId, file, options.abortSignal);
  const fromBlob = (jobId: string, taskId: string) => azure.storage.job(jobId).read(taskLogPath(taskId, file), options.abortSignal);
  const fresh = (bytes: Buffer | undefined): string => {
    if (!bytes || bytes.length <= emitted) return '';
    const text = decoder.write(bytes.subarray(emitted));
    emitted = bytes.length;
    return text;
  };

  const signal = options.abortSignal;
  for (;;) {
    const state = await job.state({ abortSignal: signal });
    if (isFinished(state.status)) {
      const bytes = (await fromBlob(state.jobId, state.taskId)) ?? (await fromNode(state.jobId, state.taskId));
      if (bytes === undefined) await throwIfDeleted(job.environment, state.jobId, 'log', signal);
      const text = fresh(bytes);
      const rest = decoder.end();
      if (text + rest) yield text + rest;
      return;
    }
    if (state.status === 'Running') {
      const text = fresh(await fromNode(state.jobId, state.taskId));
      if (text) yield text;
    }
    if (!options.follow) return;
    await pause(options.pollIntervalInMs ?? 500, signal);
    signal?.throwIfAborted();
  }
}
