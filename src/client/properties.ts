import { closestName } from '../model/errors';

/** Property names of a Single job, spelled as the seed and Wolfram's RemoteBatchJobObject spell them. */
export const singleJobPropertyNames = [
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
  'ProviderTaskID',
  'JobSubmissionTime',
  'JobStartTime',
  'JobCompletionTime',
  'JobExitCode',
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

export class UnknownPropertyError extends RangeError {
  constructor(readonly property: string, known: readonly string[]) {
    const suggestion = closestName(property, known);
    super(`'${property}' is not a property of this job.${suggestion ? ` Did you mean '${suggestion}'?` : ''} It has: ${known.join(', ')}.`);
    this.name = 'UnknownPropertyError';
  }
}
