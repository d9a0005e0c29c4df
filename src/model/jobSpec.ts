import { type JobSettings, stateSettings } from './settings';
import type { RetryRequest } from './retry';
import type { SingleJobStatus } from './status';

/**
 * What a workflow knows of where a job runs. The connection is a *name* the
 * worker resolves from its own configuration: credentials never enter Temporal.
 */
export interface EnvironmentRef {
  poolId: string;
  connection: string;
}

export type JobBody =
  /** A bundled JS module (blob in the job's container) called with `args`. */
  | { kind: 'script'; bundleBlob: string; exportName?: string; args: unknown[] }
  /** Any command line, run without a shell as Batch does. */
  | { kind: 'command'; commandLine: string };

/** A file placed in the task's working directory under `name`. */
export type JobInput =
  /** Already in the job's container (uploaded by the client). */
  | { name: string; blob: string }
  /** Small text content carried in the workflow input and uploaded by the workflow. */
  | { name: string; content: string };

export interface SingleJobInput {
  /** The Azure job id; the workflow id when absent. Our client uses the same string for both. */
  jobId?: string;
  environment: EnvironmentRef;
  body: JobBody;
  settings: JobSettings;
  inputs: JobInput[];
  submittedAt: string;
  /** How long a Failed job's Azure job stays open for a retry (seconds, default a day). */
  retryWindowSeconds?: number;
  /** A new run over the Azure job a closed run left open: reruns its task (see RetryRequest). */
  retry?: RetryRequest;
}

/** How one run (attempt) of a single job ended. */
export interface SingleAttempt {
  runId: string;
  status: SingleJobStatus;
  statusReason?: string;
  exitCode?: number;
  startedAt?: string;
  completedAt?: string;
}

/** Everything the workflow knows of the job: kept in its memo, returned as its result. Small by design. */
export interface SingleJobState {
  jobId: string;
  taskId: string;
  poolId: string;
  status: SingleJobStatus;
  statusReason?: string;
  exitCode?: number;
  submittedAt: string;
  startedAt?: string;
  completedAt?: string;
  /** Whether the task wrote a result file (`EvaluationResult` lives in Blob Storage, not here). */
  hasResult?: boolean;
  inputNames: string[];
  /** The provider settings the job runs with (no secrets: environment variable values are left out). */
  settings: Pick<JobSettings, 'containerImage' | 'jobPriority' | 'vcpuCount' | 'timeConstraint'>;
  /** End of the retry window of a Failed job (ISO time): until then its Azure job stays open for `retry`. */
  retryUntil?: string;
  /** The run this one retried, and how every earlier run ended. */
  previousRunId?: string;
  attempts?: SingleAttempt[];
}

/** Batch's facts about a task, as an activity reports them. */
export interface TaskObservation {
  state: 'active' | 'preparing' | 'running' | 'completed';
  exitCode?: number;
  result?: 'success' | 'failure';
  failure?: { category?: string; code?: string; message?: string };
  startTime?: string;
  endTime?: string;
  /** Times Batch reran the task after a nonzero exit (MaxRetries) in its latest round. */
  retryCount?: number;
  /** Set when the job was terminated (e.g. by an abort) before the task ended. */
  jobTerminateReason?: string;
  /** Known only when the job was looked at too. */
  jobCompleted?: boolean;
}

const batchIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidBatchId(id: string): boolean {
  return batchIdPattern.test(id);
}

export function jobIdForUUID(uuid: string): string {
  return `rb-${uuid}`;
}

/** A single job's state before anything ran: what the client puts in the memo and the workflow starts from. */
export function initialSingleJobState(input: SingleJobInput, jobId: string, settings: JobSettings, taskId: string): SingleJobState {
  return {
    jobId,
    taskId,
    poolId: input.environment.poolId,
    status: 'Active',
    submittedAt: input.submittedAt,
    inputNames: input.inputs.map((file) => file.name),
    settings: stateSettings(settings),
  };
}
