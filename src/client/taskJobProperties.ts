import { jobAttemptsProperty, type TaskAttempt } from '../model/failureKind';
import { type JobSettings, providerSettings } from '../model/settings';
import type { SingleJobStatus } from '../model/status';
import type { BatchEnvironment } from './environment';
import { singleJobPropertyNames, type SingleJobPropertyName } from './properties';

export interface EvaluationData {
  Result: unknown;
  Timing?: { startedAt: string; endedAt: string; durationMs: number };
  Messages: { level: string; time: string; text: string }[];
  Error?: string;
}

/** What a Single job or an array child knows of itself: the facts behind its properties. */
export interface TaskJobFacts {
  jobType: 'Single' | 'ArrayChild';
  uuid: string;
  status: SingleJobStatus;
  statusReason?: string;
  exitCode?: number;
  jobId: string;
  taskId: string;
  submittedAt: string;
  startedAt?: string;
  completedAt?: string;
  inputNames: string[];
  settings: Pick<JobSettings, 'containerImage' | 'jobPriority' | 'vcpuCount'>;
  name?: string;
  labels?: Record<string, string>;
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

/** One property of a Single job or array child, by its seed name. */
export async function taskJobProperty(
  name: SingleJobPropertyName,
  facts: TaskJobFacts,
  environment: BatchEnvironment,
  readers: TaskJobReaders,
): Promise<unknown> {
  const finished = facts.status === 'Succeeded' || facts.status === 'Failed';
  switch (name) {
    case 'JobStatus':
      return facts.status;
    case 'JobType':
      return facts.jobType;
    case 'JobUUID':
      return facts.uuid;
    case 'Provider':
      return 'AzureBatch';
    case 'Environment':
      return environment.toString();
    case 'JobInProgressQ':
      return !finished;
    case 'JobSucceededQ':
      return facts.status === 'Succeeded';
    case 'JobFailedQ':
      return facts.status === 'Failed';
    case 'JobStatusReason':
      return facts.statusReason;
    case 'JobName':
      return facts.name;
    case 'JobLabels':
      return facts.labels ?? {};
    case 'ProviderJobID':
      return facts.jobId;
    case 'ProviderTaskID':
      return facts.taskId;
    case 'JobSubmissionTime':
      return toDate(facts.submittedAt);
    case 'JobStartTime':
      return toDate(facts.startedAt);
    case 'JobCompletionTime':
      return toDate(facts.completedAt);
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
    case 'JobInputFilenames':
      return facts.inputNames;
    case 'ProviderSettings':
      return providerSettings(facts.settings);
    case 'Properties':
      return [...singleJobPropertyNames];
  }
}
