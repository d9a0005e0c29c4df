/** The seed's statuses for a "Single" or "ArrayChild" job, in the order a typical job passes them. */
export const singleJobStatuses = ['Active', 'Running', 'Succeeded', 'Failed'] as const;
export type SingleJobStatus = (typeof singleJobStatuses)[number];

/** The seed's statuses for an "Array" job. */
export const arrayJobStatuses = ['Active', 'Completed'] as const;
export type ArrayJobStatus = (typeof arrayJobStatuses)[number];

export type JobStatus = SingleJobStatus | ArrayJobStatus;
export type JobType = 'Single' | 'Array' | 'ArrayChild';

export function isFinished(status: JobStatus): boolean {
  return status === 'Succeeded' || status === 'Failed' || status === 'Completed';
}
