import { timestamp } from '../model/timestamp';
import { executionInfoOf, setTaskState } from '../model/transitions';
import type { FailureInfo, TaskRecord } from '../model/types';
import type { AttemptOutcome } from '../node/taskRunner';
import type { BatchStore } from '../store/store';
import type { JobLifecycle } from './jobLifecycle';
import { decideOutcome } from './outcome';
import type { PendingQueue } from './pendingQueue';
import { containerNotCreated, nodeInfoOf } from './sharedRunInfo';

/**
 * A task's states: `active → preparing → running → completed`, back to `active` on a
 * retry (non-zero exit within maxTaskRetryCount) or a requeue (its node went away).
 * A task that becomes active joins the pending queue; one that completes tells its job.
 */
export class TaskLifecycle {
  constructor(
    private readonly store: BatchStore,
    private readonly pending: PendingQueue,
    private readonly jobs: JobLifecycle,
  ) {}

  /** Placed on a node: a fresh attempt's execution info and node info. */
  placed(task: TaskRecord, poolId: string, nodeId: string, now: Date): void {
    const info = executionInfoOf(task);
    delete info.endTime;
    delete info.exitCode;
    delete info.result;
    delete info.failureInfo;
    delete info.containerInfo;
    delete task.filesCleanedUp;
    info.startTime = timestamp(now);
    task.nodeInfo = nodeInfoOf(poolId, nodeId);
    const image = (task.spec.containerSettings as { imageName?: string } | undefined)?.imageName;
    if (image) info.containerInfo = containerNotCreated(image);
    setTaskState(task, 'preparing', now);
    this.store.saveTask(task);
  }

  launched(jobId: string, taskId: string, pid: number | undefined, now: Date): void {
    const task = this.store.getTask(jobId, taskId);
    if (!task || task.state !== 'preparing') return;
    task.processGroupId = pid;
    setTaskState(task, 'running', now);
    this.store.saveTask(task);
  }

  /**
   * Applies Batch's decision on one attempt of the task created at
   * `taskCreationTime`; true when it completed successfully. The run of a task
   * deleted since (and perhaps added again under its id) changes nothing.
   */
  attemptEnded(jobId: string, taskId: string, taskCreationTime: string, outcome: AttemptOutcome, now: Date): boolean {
    const task = this.store.getTask(jobId, taskId);
    const job = this.store.getJob(jobId);
    if (!task || !job || task.state === 'completed' || task.creationTime !== taskCreationTime) return false;
    delete task.processGroupId;
    const decision = decideOutcome(outcome, task, job);
    if (decision.kind === 'requeue') this.requeue(task, now);
    else if (decision.kind === 'returnToActive') this.activate(task, now);
    else if (decision.kind === 'retry') this.retry(task, decision.exitCode, now);
    else this.complete(task, decision, now);
    return decision.kind === 'complete' && !decision.failureInfo;
  }

  requeue(task: TaskRecord, now: Date): void {
    const info = executionInfoOf(task);
    info.requeueCount++;
    info.lastRequeueTime = timestamp(now);
    delete task.processGroupId;
    this.activate(task, now);
  }

  complete(task: TaskRecord, result: { exitCode?: number; failureInfo?: FailureInfo }, now: Date): void {
    const info = executionInfoOf(task);
    info.endTime = timestamp(now);
    if (result.exitCode !== undefined) info.exitCode = result.exitCode;
    info.result = result.failureInfo ? 'failure' : 'success';
    if (result.failureInfo) info.failureInfo = result.failureInfo;
    else delete info.failureInfo;
    setTaskState(task, 'completed', now);
    this.store.saveTask(task);
    const job = this.store.getJob(task.jobId);
    if (job) this.jobs.taskCompleted(task, job, now);
  }

  private retry(task: TaskRecord, exitCode: number, now: Date): void {
    const info = executionInfoOf(task);
    info.retryCount++;
    info.lastRetryTime = timestamp(now);
    info.exitCode = exitCode;
    this.activate(task, now);
  }

  private activate(task: TaskRecord, now: Date): void {
    setTaskState(task, 'active', now);
    this.store.saveTask(task);
    this.pending.add({ jobId: task.jobId, taskId: task.id, seq: task.seq });
  }
}
