import type { JobRecord, TaskRecord } from '../model/types';
import { TaskFailures } from '../node/failures';
import type { ProcessLaunchers } from '../node/launcher';
import type { NodeLayout } from '../node/layout';
import { endOrphan } from '../node/orphans';
import type { BatchStore } from '../store/store';
import { JobLifecycle } from './jobLifecycle';
import { JobNodeTaskRunner } from './jobNodeTasks';
import { NodeAgent } from './nodeAgent';
import { PendingQueue } from './pendingQueue';
import { placeTasksOnPool } from './placement';
import { TaskLifecycle } from './taskLifecycle';

export interface SchedulerOptions {
  store: BatchStore;
  layout: NodeLayout;
  launchers: ProcessLaunchers;
  accountName: string;
  log?: (line: string) => void;
}

/** Why the emulator takes tasks off a node: they run again later (requeue) or end (terminate). */
export type TaskStopMode = 'requeue' | 'terminate';

const stopReasonOf = (mode: TaskStopMode) => (mode === 'requeue' ? 'nodeLost' : 'terminated');

/**
 * Batch's scheduling as the handlers see it: what happened to jobs, tasks and nodes
 * goes in; placement (placement.ts), the node agent (nodeAgent.ts) and the task and
 * job state machines (taskLifecycle.ts, jobLifecycle.ts) do the rest.
 */
export class Scheduler {
  private readonly pending = new PendingQueue();
  private readonly agent: NodeAgent;
  private readonly jobs: JobLifecycle;
  private readonly tasks: TaskLifecycle;
  private readonly nodeTasks: JobNodeTaskRunner;
  private scheduleQueued = false;
  private closed = false;

  constructor(private readonly options: SchedulerOptions) {
    this.agent = new NodeAgent(options, {
      launched: (jobId, taskId, pid) => this.tasks.launched(jobId, taskId, pid, new Date()),
      attemptEnded: (running, outcome) => {
        if (this.tasks.attemptEnded(running.jobId, running.taskId, running.taskCreationTime, outcome, new Date())) this.countSuccess(running.poolId, running.nodeId);
        this.kick();
      },
    });
    this.jobs = new JobLifecycle(options.store, {
      pendingCount: (jobId) => this.pending.count(jobId),
      runningInJob: (jobId) => this.agent.runningInJob(jobId),
      stopJobTasks: (jobId, reason) => this.agent.stopJobTasks(jobId, reason),
      nodeTasksPendingAtEnd: (job) => this.nodeTasks.pendingAtEnd(job),
      finishNodeTasks: (job) => this.nodeTasks.finish(job),
    });
    this.nodeTasks = new JobNodeTaskRunner(options.store, this.agent, () => this.kick());
    this.tasks = new TaskLifecycle(options.store, this.pending, this.jobs);
  }

  set accountUrl(url: string) {
    this.agent.accountUrl = url;
  }

  private get store(): BatchStore {
    return this.options.store;
  }

  /**
   * Brings stored state back to life after a start: a task that was preparing or
   * running when the emulator stopped lost its node, so it is requeued as Batch does.
   */
  recover(now: Date): void {
    for (const job of this.store.listJobs()) {
      this.nodeTasks.recover(job);
      for (const task of this.store.listTasks(job.id)) {
        if (task.state === 'preparing' || task.state === 'running') {
          endOrphan(task, this.options.layout);
          this.tasks.requeue(task, now);
        } else if (task.state === 'active') {
          this.pending.add({ jobId: task.jobId, taskId: task.id, seq: task.seq });
        }
      }
      if (job.state === 'terminating') this.jobs.finishTerminationIfIdle(job, now);
      this.jobs.watchWallClock(job);
    }
    this.kick();
  }

  taskAdded(task: TaskRecord): void {
    this.pending.add({ jobId: task.jobId, taskId: task.id, seq: task.seq });
    this.kick();
  }

  jobAdded(job: JobRecord): void {
    this.jobs.watchWallClock(job);
    this.kick();
  }

  /** Something that affects placement changed (priority, pool size, job enabled …). */
  kick(): void {
    if (this.scheduleQueued || this.closed) return;
    this.scheduleQueued = true;
    setImmediate(() => {
      this.scheduleQueued = false;
      if (!this.closed) this.schedule();
    });
  }

  runningTaskCount(poolId: string, nodeId: string): { tasks: number; slots: number } {
    return this.agent.runningTaskCount(poolId, nodeId);
  }

  /** Ends one task: kills it if it runs, completes it at once if it waits. */
  terminateTask(task: TaskRecord, now: Date): void {
    if (this.agent.stopTask(task.jobId, task.id, 'terminated')) return;
    if (task.state === 'active') {
      this.pending.remove(task.jobId, task.id);
      this.tasks.complete(task, { failureInfo: TaskFailures.endedByUser() }, now);
    }
  }

  /** A completed task made active again (reactivate). */
  reactivated(task: TaskRecord): void {
    this.pending.add({ jobId: task.jobId, taskId: task.id, seq: task.seq });
    this.kick();
  }

  taskDeleted(task: TaskRecord, now: Date): void {
    this.agent.stopTask(task.jobId, task.id, 'terminated');
    this.pending.remove(task.jobId, task.id);
    const job = this.store.getJob(task.jobId);
    if (job) this.jobs.afterTaskChange(job, now);
  }

  terminateJob(job: JobRecord, reason: string, now: Date): void {
    this.jobs.terminate(job, reason, now);
  }

  /** Job disable: what happens to its running tasks is the caller's `disableTasks` choice. */
  disableJob(job: JobRecord, disableTasks: 'requeue' | 'terminate' | 'wait'): Promise<void> {
    return disableTasks === 'wait' ? Promise.resolve() : this.agent.stopJobTasks(job.id, stopReasonOf(disableTasks));
  }

  jobDeleted(job: JobRecord): Promise<void> {
    this.jobs.deleting(job);
    this.pending.removeJob(job.id);
    // As on Batch, deleting a job ends it: its release tasks run before its files go.
    return this.agent
      .stopJobTasks(job.id, 'terminated')
      .then(() => this.nodeTasks.finish(job))
      .then(() => this.jobs.deleted(job));
  }

  /** Listens for jobs whose lifetime ended: completed, or deleted once their tasks stopped. */
  onJobEnded(listener: (job: JobRecord) => void): void {
    this.jobs.onEnded(listener);
  }

  /** A node leaves or fails: its tasks are killed, then requeued or completed as terminated. */
  stopNodeTasks(poolId: string, nodeId: string, mode: TaskStopMode): Promise<void> {
    return this.agent.stopNodeTasks(poolId, nodeId, stopReasonOf(mode));
  }

  /** A node rebooted or was reimaged: the job preparation task may have to run there again. */
  nodeRestarted(poolId: string, nodeId: string, reimaged: boolean): void {
    this.nodeTasks.nodeRestarted(poolId, nodeId, reimaged);
  }

  /** Resolves when no task runs on the node any more (it takes no new ones meanwhile). */
  nodeDrained(poolId: string, nodeId: string): Promise<void> {
    return this.agent.nodeDrained(poolId, nodeId);
  }

  /** The job's settings changed (patch/update): new priority, a new onAllTasksComplete, … */
  jobChanged(job: JobRecord, now: Date): void {
    this.jobs.changed(job, now);
    this.kick();
  }

  /** Stops every process; tasks stay as they are stored, so a restart requeues them. */
  async close(): Promise<void> {
    this.closed = true;
    this.jobs.close();
    await this.agent.close();
  }

  private schedule(): void {
    const target = {
      usedSlots: (poolId: string, nodeId: string) => this.agent.usedSlots(poolId, nodeId),
      runningInJob: (jobId: string) => this.agent.runningInJob(jobId),
      mayRunOn: (...[job, pool, node]: Parameters<JobNodeTaskRunner['mayRunOn']>) => this.nodeTasks.mayRunOn(job, pool, node),
      place: (...[task, job, pool, node, slots]: Parameters<NodeAgent['start']>) => {
        this.tasks.placed(task, pool.id, node.id, new Date());
        this.agent.start(task, job, pool, node, slots, this.nodeTasks.preparedOn(job, pool, node));
      },
    };
    for (const pool of this.store.listPools()) {
      if (pool.state === 'active') placeTasksOnPool(pool, this.store, this.pending, target);
    }
  }

  private countSuccess(poolId: string, nodeId: string): void {
    const node = this.store.getNode(poolId, nodeId);
    if (!node) return;
    node.totalTasksSucceeded++;
    this.store.saveNode(node);
  }
}
