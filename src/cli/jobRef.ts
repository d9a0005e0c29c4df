import type { ArrayJob } from '../client/arrayJobObject';
import type { BatchEnvironment } from '../client/environment';
import type { BatchJob, JobOutputFile } from '../client/jobObject';
import type { LogSource } from '../client/logs';
import type { SingleJobStatus } from '../model/status';
import { isFinished } from '../model/status';
import { usageError } from './exitCodes';

/** What watch and result need of a job that runs as one task: a Single job or an array child. */
export interface TaskState {
  status: SingleJobStatus;
  submittedAt: string;
  startedAt?: string;
  completedAt?: string;
  exitCode?: number;
  statusReason?: string;
}

/** A Single job or an array child, behind one face. */
export interface TaskJobRef {
  kind: 'Single' | 'ArrayChild';
  /** As the user names it: `rb-…`, or `rb-…/3` for child 3. */
  id: string;
  environment: BatchEnvironment;
  read(): Promise<TaskState>;
  get(property: string): Promise<unknown>;
  logSource: LogSource;
  outputs(): Promise<JobOutputFile[]>;
  download(file: JobOutputFile, destination: string): Promise<void>;
  /** False when it had already ended. */
  abort(reason: string, waitForTermination: boolean): Promise<boolean>;
}

export interface ArrayJobRef {
  kind: 'Array';
  id: string;
  array: ArrayJob;
}

export type JobRef = TaskJobRef | ArrayJobRef;

/** `rb-…` names a job, `rb-…/n` child n of an array job (1-based, as the seed counts). */
export function parseJobRef(text: string): { jobId: string; child?: number } {
  if (text.trim() === '') throw usageError("<job-id> is empty: name a job by its id (rb-…, as submit printed it, or see 'remote-batch ls').");
  if (text !== text.trim()) throw usageError(`<job-id> '${text}' has spaces around it; a job id has none.`);
  const match = /^(.+)\/([^/]*)$/.exec(text);
  if (!match) return { jobId: text };
  const child = Number(match[2]);
  if (!/^\d+$/.test(match[2]) || child < 1) {
    throw usageError(`'${text}': a child is named <array job id>/<n> with n a whole number from 1.`);
  }
  return { jobId: match[1], child };
}

/** A Single job behind the TaskJobRef face. */
export function singleRef(job: BatchJob): TaskJobRef {
  return {
    kind: 'Single',
    id: job.jobId,
    environment: job.environment,
    read: () => job.state(),
    get: (property) => job.get(property as never),
    logSource: job,
    outputs: () => job.outputs(),
    download: (file, destination) => job.downloadOutput(file.name, destination),
    abort: (reason, waitForTermination) => job.abort(reason, { waitForTermination }),
  };
}

/** Child `index` of an array behind the TaskJobRef face; the SDK parts load on first use. */
export function childRef(array: ArrayJob, index: number, id: string): TaskJobRef {
  const child = array.child(index);
  const { childLogSource } = require('../client/logs') as typeof import('../client/logs');
  const { childOutputs, downloadTaskOutput } = require('../client/taskOutputs') as typeof import('../client/taskOutputs');
  return {
    kind: 'ArrayChild',
    id,
    environment: array.environment,
    read: () => child.facts(),
    get: (property) => child.get(property),
    logSource: childLogSource(child),
    outputs: () => childOutputs(child),
    download: (file, destination) => downloadTaskOutput(array.environment, array.jobId, file, destination),
    abort: async (reason, waitForTermination) => {
      if (isFinished((await child.facts()).status)) return false;
      await child.abort(reason);
      if (waitForTermination) {
        while (!isFinished((await child.facts()).status)) await new Promise((resolve) => setTimeout(resolve, 300));
      }
      return true;
    },
  };
}
