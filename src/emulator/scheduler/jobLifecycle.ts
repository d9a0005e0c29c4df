import { timestamp } from '../model/timestamp';
import { setJobState } from '../model/transitions';
import type { JobRecord, TaskRecord } from '../model/types';
import type { StopReason } from '../node/taskRunner';
import type { BatchStore } from '../store/store';
import { exitOptionsOf } from './exitConditions';
import { JobWallClocks } from './jobWallClocks';

/** What the job's state machine needs to know about its tasks' execution. */
export interface JobTaskActivity {
  pendingCount(jobId: string): number;
  runningInJob(jobId: string): number;
  stopJobTasks(jobId: string, reason: StopReason): Promise<void>;
  /** Whether preparation tasks still run or release tasks are still to run when the job ends. */
  nodeTasksPendingAtEnd(job: JobRecord): boolean;
  finishNodeTasks(job: JobRecord): Promise<void>;
}

/**
 * A job's states as its tasks move: terminate (by the user, `onTaskFailure`, or the
 * wall clock) waits for running tasks to end; `onAllTasksComplete: terminatejob`
 * completes the job when its last task completes.
 */
export class JobLifecycle {
  private readonly wallClocks = new JobWallClocks();
  private readonly endedListeners: Array<(job: JobRecord) => void> = [];

  constructor(
    private readonly store: BatchStore,
    private readonly tasks: JobTaskActivity,
  ) {}

  watchWallClock(job: JobRecord): void {
    if (job.state !== 'active' && job.state !== 'disabled') return;
    this.wallClocks.watch(job, (jobId) => {
      const current = this.store.getJob(jobId);
      if (current && (current.state === 'active' || current.state === 'disabled')) this.terminate(current, 'MaxWallClockTimeExpiry', new Date());
    });
  }

  /** The job's settings changed: its wall clock restarts from the new limit. */
  changed(job: JobRecord, now: Date): void {
    this.wallClocks.clear(job.id);
    this.watchWallClock(job);
    this.afterTaskChange(job, now);
  }

  /** Called when a job completes, and when a deleted job's tasks have stopped. */
  onEnded(listener: (job: JobRecord) => void): void {
    this.endedListeners.push(listener);
  }

  deleting(job: JobRecord): void {
    this.wallClocks.clear(job.id);
  }

  deleted(job: JobRecord): void {
    for (const listener of this.endedListeners) listener(job);
  }

  /**
   * Running tasks are killed and completed; the job completes when none is left
   * running. Active tasks stay active, as on Batch, and are never scheduled again.
   */
  terminate(job: JobRecord, reason: string, now: Date): void {
    job.executionInfo.terminateReason = reason;
    setJobState(job, 'terminating', now);
    this.store.saveJob(job);
    this.wallClocks.clear(job.id);
    void this.tasks.stopJobTasks(job.id, 'terminated');
    this.finishTerminationIfIdle(job, now);
  }

  /** A task of the job completed: `onTaskFailure` may act, then the job may be done. */
  taskCompleted(task: TaskRecord, job: JobRecord, now: Date): void {
    if (job.spec.onTaskFailure === 'performexitoptionsjobaction') {
      const action = exitOptionsOf(task).jobAction;
      if (action === 'terminate' && job.state === 'active') {
        this.terminate(job, 'TaskFailed', now);
        return;
      }
      if (action === 'disable' && job.state === 'active') {
        setJobState(job, 'disabled', now);
        this.store.saveJob(job);
      }
    }
    this.afterTaskChange(job, now);
  }

  /** onAllTasksComplete and the end of a termination both wait for the job's last task. */
  afterTaskChange(job: JobRecord, now: Date): void {
    if (job.state === 'terminating') {
      this.finishTerminationIfIdle(job, now);
      return;
    }
    if (job.spec.onAllTasksComplete !== 'terminatejob' || (job.state !== 'active' && job.state !== 'disabled')) return;
    if (this.tasks.pendingCount(job.id) > 0 || this.tasks.runningInJob(job.id) > 0) return;
    if (this.store.listTasks(job.id).some((task) => task.state !== 'completed')) return;
    this.complete(job, 'AllTasksComplete', now);
  }

  finishTerminationIfIdle(job: JobRecord, now: Date): void {
    if (this.tasks.runningInJob(job.id) > 0) return;
    this.complete(job, job.executionInfo.terminateReason ?? 'UserTerminate', now);
  }

  close(): void {
    this.wallClocks.close();
  }

  /** Completes the job; while its release tasks run it stays `terminating`, as on Batch. */
  private complete(job: JobRecord, reason: string, now: Date): void {
    this.wallClocks.clear(job.id);
    job.executionInfo.terminateReason = reason;
    if (this.tasks.nodeTasksPendingAtEnd(job)) {
      setJobState(job, 'terminating', now);
      this.store.saveJob(job);
      void this.tasks.finishNodeTasks(job).then(() => {
        const current = this.store.getJob(job.id);
        if (current?.state === 'terminating') this.completed(current, new Date());
      });
      return;
    }
    this.completed(job, now);
  }

  private completed(job: JobRecord, now: Date): void {
    job.executionInfo.endTime = timestamp(now);
    setJobState(job, 'completed', now);
    this.store.saveJob(job);
    for (const listener of this.endedListeners) listener(job);
  }
}
