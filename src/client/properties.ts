import { closestName, RemoteBatchError } from '../model/errors';

/** Wolfram's standard RemoteBatchJobObject properties every job has, plus the seed's ProviderJobID. */
export const standardPropertyNames = [
  'JobStatus',
  'JobType',
  'JobUUID',
  'Provider',
  'Environment',
  'JobInProgressQ',
  'JobSucceededQ',
  'JobFailedQ',
  'JobStatusReason',
  'ProviderJobID',
] as const;

export const timePropertyNames = ['JobSubmissionTime', 'JobStartTime', 'JobCompletionTime'] as const;

/** Beyond the seed: what a team finds its jobs by (an array child has its array's). */
export const identityPropertyNames = ['JobName', 'JobLabels'] as const;

/** Property names of a Single job (and an array child), spelled as the seed and RemoteBatchJobObject spell them. */
export const singleJobPropertyNames = [
  ...standardPropertyNames,
  ...identityPropertyNames,
  'ProviderTaskID',
  ...timePropertyNames,
  'JobExitCode',
  'JobAttempts',
  'JobLog',
  'JobStandardErrorLog',
  'EvaluationResult',
  'EvaluationData',
  'EvaluationTiming',
  'JobInputFilenames',
  'ProviderSettings',
  'Properties',
] as const;

export type SingleJobPropertyName = (typeof singleJobPropertyNames)[number];

/** A property name the job does not have; the message suggests the closest one. */
export class UnknownPropertyError extends RemoteBatchError {
  constructor(readonly property: string, known: readonly string[]) {
    const suggestion = closestName(property, known);
    super(`'${property}' is not a property of this job.${suggestion ? ` Did you mean '${suggestion}'?` : ''} It has: ${known.join(', ')}.`, 'UnknownProperty', 404);
    this.name = 'UnknownPropertyError';
  }
}
