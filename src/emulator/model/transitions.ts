import { newETag } from '../protocol/etag';
import type { JobRecord, JobState, TaskRecord, TaskState } from './types';
import { timestamp } from './timestamp';

/** Marks a record as changed: new ETag and Last-Modified. */
export function touch(record: { eTag: string; lastModified: string }, now: Date): void {
  record.eTag = newETag(now);
  record.lastModified = timestamp(now);
}

export function setTaskState(task: TaskRecord, state: TaskState, now: Date): void {
  if (task.state === state) return;
  task.previousState = task.state;
  task.previousStateTransitionTime = task.stateTransitionTime;
  task.state = state;
  task.stateTransitionTime = timestamp(now);
  touch(task, now);
}

export function setJobState(job: JobRecord, state: JobState, now: Date): void {
  if (job.state === state) return;
  job.previousState = job.state;
  job.previousStateTransitionTime = job.stateTransitionTime;
  job.state = state;
  job.stateTransitionTime = timestamp(now);
  touch(job, now);
}

export function executionInfoOf(task: TaskRecord): NonNullable<TaskRecord['executionInfo']> {
  task.executionInfo ??= { retryCount: 0, requeueCount: 0 };
  return task.executionInfo;
}
