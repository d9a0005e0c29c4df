import { jobAttemptsProperty, type TaskAttempt } from '../model/failureKind';
import { type JobSettings, providerSettings } from '../model/settings';
import type { JobStatus, SingleJobStatus } from '../model/status';
import type { BatchEnvironment } from './environment';
import { singleJobPropertyNames, type SingleJobPropertyName } from './properties';

export interface EvaluationData {
  Result: unknown;
  Timing?: { startedAt: string; endedAt: string; durationMs: number };
  Messages: { level: string; time: string; text: string }[];
  Error?: string;
}

/** What every job knows of itself: the facts behind the properties all kinds share. */
export interface JobFacts {
  jobType: 'Single' | 'Array' | 'ArrayChild';
  uuid: string;
  status: JobStatus;
  statusReason?: string;
  jobId: string;
  submittedAt: string;
  startedAt?: string;
  completedAt?: string;
  inputNames: string[];
  settings: Pick<JobSettings, 'containerImage' | 'jobPriority' | 'vcpuCount'>;
  name?: string;
  labels?: Record<string, string>;
}

/** What a Single job or an array child knows of itself. */
export interface TaskJobFacts extends JobFacts {
  jobType: 'Single' | 'ArrayChild';
  status: SingleJobStatus;
  exitCode?: number;
  taskId: string;
}

/** Properties that need I/O beyond the facts. */
export interface TaskJobReaders {
  log(stream: 'stdout' | 'stderr'): Promise<string>;
  /** Attempts that were rerun (infrastructure failures, MaxRetries), oldest first. */
  attempts(): Promise<TaskAttempt[]>;
  evaluationData(): Promise<EvaluationData | undefined>;
}

function toDate(value: string | undefined): Date | undefined {
  return value ? new Date(value) : undefined;
}

/** The properties every kind of job has, by their seed names; `ended` says whether and how it ended. */
export function sharedJobProperties(facts: JobFacts, environment: BatchEnvironment, ended: { finished: boolean; succeeded: boolean; failed: boolean }) {
  return {
    JobStatus: facts.status,
    JobType: facts.jobType,
    JobUUID: facts.uuid,
    Provider: 'AzureBatch',
    Environment: environment.toString(),
    JobInProgressQ: !ended.finished,
    JobSucceededQ: ended.succeeded,
    JobFailedQ: ended.failed,
    JobStatusReason: facts.statusReason,
    JobName: facts.name,
    JobLabels: facts.labels ?? {},
    ProviderJobID: facts.jobId,
    JobSubmissionTime: toDate(facts.submittedAt),
    JobStartTime: toDate(facts.startedAt),
    JobCompletionTime: toDate(facts.completedAt),
    JobInputFilenames: facts.inputNames,
    ProviderSettings: providerSettings(facts.settings),
  };
}

/** One property of a Single job or array child, by its seed name. */
export async function taskJobProperty(
  name: SingleJobPropertyName,
  facts: TaskJobFacts,
  environment: BatchEnvironment,
  readers: TaskJobReaders,
): Promise<unknown> {
  switch (name) {
    case 'ProviderTaskID':
      return facts.taskId;
    case 'JobExitCode':
      return facts.exitCode;
    case 'JobAttempts':
      return jobAttemptsProperty(await readers.attempts(), { status: facts.status, reason: facts.statusReason });
    case 'JobLog':
      return readers.log('stdout');
    case 'JobStandardErrorLog':
      return readers.log('stderr');
    case 'EvaluationResult':
      return (await readers.evaluationData())?.Result;
    case 'EvaluationData':
      return readers.evaluationData();
    case 'EvaluationTiming':
      return (await readers.evaluationData())?.Timing;
    case 'Properties':
      return [...singleJobPropertyNames];
    default: {
      const succeeded = facts.status === 'Succeeded';
      const failed = facts.status === 'Failed';
      return sharedJobProperties(facts, environment, { finished: succeeded || failed, succeeded, failed })[name];
    }
  }
}
