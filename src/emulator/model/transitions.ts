import { newETag } from '../protocol/etag';
import type { JobRecord, JobState, TaskRecord, TaskState } from './types';

/** Marks a record as changed: new ETag and Last-Modified. */
export function touch(record: { eTag: string; lastModified: string }, now: Date): void {
  record.eTag = newETag(now);
  record.lastModified = now.toISOString();
}

export function setTaskState(task: TaskRecord, state: TaskState, now: Date): void {
  if (task.state === state) return;
  task.previousState = task.state;
  task.previousStateTransitionTime = task.stateTransitionTime;
  task.state = state;
  task.stateTransitionTime = now.toISOString();
  touch(task, now);
}

export function setJobState(job: JobRecord, state: JobState, now: Date): void {
  if (job.state === state) return;
  job.previousState = job.state;
  job.previousStateTransitionTime = job.stateTransitionTime;
  job.state = state;
  job.stateTransitionTime = now.toISOString();
  touch(job, now);
}

export function executionInfoOf(task: TaskRecord): NonNullable<TaskRecord['executionInfo']> {
  task.executionInfo ??= { retryCount: 0, requeueCount: 0 };
  return task.executionInfo;
}
