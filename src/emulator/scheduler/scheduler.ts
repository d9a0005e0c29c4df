import { setLongTimeout, type LongTimer } from '../model/longTimer';
import { executionInfoOf, setJobState, setTaskState } from '../model/transitions';
import type { FailureInfo, JobRecord, NodeRecord, PoolRecord, TaskRecord } from '../model/types';
import { effectiveConstraints, poolIdOf, priorityOf, requiredSlotsOf } from '../model/settings';
import { TaskFailures } from '../node/failures';
import { taskEnvironment } from '../node/environment';
import type { ProcessLaunchers } from '../node/launcher';
import type { NodeLayout } from '../node/layout';
import { endOrphan } from '../node/orphans';
import { TaskRun, type AttemptOutcome } from '../node/taskRunner';
import type { OutputFileSpec } from '../node/outputFiles';
import type { ResourceFileSpec } from '../node/resourceFiles';
import { parseDuration, UNLIMITED_DURATION } from '../protocol/durations';
import type { BatchStore } from '../store/store';
import { storeKey } from '../store/store';
import { dependenciesSatisfied } from './dependencies';
import { exitOptionsOf } from './exitConditions';
import { decideOutcome } from './outcome';
import { PendingQueue } from './pendingQueue';
import { timestamp } from '../model/timestamp';

export interface SchedulerOptions {
  store: BatchStore;
  layout: NodeLayout;
  launchers: ProcessLaunchers;
  accountName: string;
  log?: (line: string) => void;
}

/** Why the emulator takes tasks off a node: they run again later (requeue) or end (terminate). */
export type TaskStopMode = 'requeue' | 'terminate';

interface Placement {
  jobId: string;
  taskId: string;
  poolId: string;
  nodeId: string;
  slots: number;
  run: TaskRun;
  done: Promise<void>;
}

const placementKey = (jobId: string, taskId: string): string => `${storeKey(jobId)}/${storeKey(taskId)}`;
const nodeKey = (poolId: string, nodeId: string): string => `${storeKey(poolId)}/${storeKey(nodeId)}`;

type NodeInfo = NonNullable<TaskRecord['nodeInfo']>;
const nodeInfoByNode = new Map<string, NodeInfo>();

/** One frozen instance per node, held by every task that ran there. */
function nodeInfoOf(poolId: string, nodeId: string): NodeInfo {
  const key = nodeKey(poolId, nodeId);
  let info = nodeInfoByNode.get(key);
  if (!info) {
    if (nodeInfoByNode.size >= 4096) nodeInfoByNode.clear();
    info = Object.freeze({ poolId, nodeId });
    nodeInfoByNode.set(key, info);
  }
  return info;
}

type ContainerInfo = NonNullable<TaskRecord['executionInfo']>['containerInfo'];
const containerInfoByImage = new Map<string, ContainerInfo>();

/** One frozen instance per image: every task of an array would otherwise hold its own copy of the message. */
function containerNotCreated(image: string): ContainerInfo {
  let info = containerInfoByImage.get(image);
  if (!info) {
    if (containerInfoByImage.size >= 256) containerInfoByImage.clear();
    info = Object.freeze({
      state: 'notcreated',
      error: `No container engine is available to the emulator, so the task ran directly on the host instead of in image '${image}'.`,
    });
    containerInfoByImage.set(image, info);
  }
  return info;
}

/**
 * Batch's scheduler and node agents in one: places active tasks on nodes by
 * `requiredSlots` against `taskSlotsPerNode` (higher job priority first, then
 * submission order), runs them, and applies the outcome — retries, requeues,
 * completion, and the job's `onAllTasksComplete` / `onTaskFailure` actions.
 */
export class Scheduler {
  private readonly pending = new PendingQueue();
  private readonly placements = new Map<string, Placement>();
  private readonly usedSlots = new Map<string, number>();
  private readonly runningPerJob = new Map<string, number>();
  private readonly jobTimers = new Map<string, LongTimer>();
  private scheduleQueued = false;
  private closed = false;
  accountUrl = '';

  constructor(private readonly options: SchedulerOptions) {}

  private get store(): BatchStore {
    return this.options.store;
  }

  /**
   * Brings stored state back to life after a start: a task that was preparing or
   * running when the emulator stopped lost its node, so it is requeued as Batch does.
   */
  recover(now: Date): void {
    for (const job of this.store.listJobs()) {
      for (const task of this.store.listTasks(job.id)) {
        if (task.state === 'preparing' || task.state === 'running') {
          endOrphan(task, this.options.layout);
          this.requeue(task, now);
        } else if (task.state === 'active') {
          this.pending.add({ jobId: task.jobId, taskId: task.id, seq: task.seq });
        }
      }
      if (job.state === 'terminating') this.finishTerminationIfIdle(job, now);
      if (job.state === 'active' || job.state === 'disabled') this.watchJobWallClock(job);
    }
    this.kick();
  }

  taskAdded(task: TaskRecord): void {
    this.pending.add({ jobId: task.jobId, taskId: task.id, seq: task.seq });
    this.kick();
  }

  jobAdded(job: JobRecord): void {
    this.watchJobWallClock(job);
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

  isPlaced(jobId: string, taskId: string): boolean {
    return this.placements.has(placementKey(jobId, taskId));
  }

  runningTaskCount(poolId: string, nodeId: string): { tasks: number; slots: number } {
    let tasks = 0;
    for (const placement of this.placements.values()) {
      if (nodeKey(placement.poolId, placement.nodeId) === nodeKey(poolId, nodeId)) tasks++;
    }
    return { tasks, slots: this.usedSlots.get(nodeKey(poolId, nodeId)) ?? 0 };
  }

  /** Ends one task: kills it if it runs, completes it at once if it waits. */
  terminateTask(task: TaskRecord, now: Date): void {
    const placement = this.placements.get(placementKey(task.jobId, task.id));
    if (placement) {
      placement.run.stop('terminated');
      return;
    }
    if (task.state === 'active') {
      this.pending.remove(task.jobId, task.id);
      this.complete(task, { failureInfo: TaskFailures.endedByUser() }, now);
    }
  }

  /** A completed task made active again (reactivate). */
  reactivated(task: TaskRecord): void {
    this.pending.add({ jobId: task.jobId, taskId: task.id, seq: task.seq });
    this.kick();
  }

  taskDeleted(task: TaskRecord, now: Date): void {
    const placement = this.placements.get(placementKey(task.jobId, task.id));
    if (placement) placement.run.stop('terminated');
    this.pending.remove(task.jobId, task.id);
    const job = this.store.getJob(task.jobId);
    if (job) this.afterTaskChange(job, now);
  }

  /**
   * Job terminate: running tasks are killed and completed; the job completes when none is
   * left running. Active tasks stay active, as on Batch, and are never scheduled again.
   */
  terminateJob(job: JobRecord, reason: string, now: Date): void {
    job.executionInfo.terminateReason = reason;
    setJobState(job, 'terminating', now);
    this.store.saveJob(job);
    this.clearJobTimer(job.id);
    void this.stopJobTasks(job.id, 'terminate');
    this.finishTerminationIfIdle(job, now);
  }

  /** Job disable: what happens to its running tasks is the caller's `disableTasks` choice. */
  disableJob(job: JobRecord, disableTasks: 'requeue' | 'terminate' | 'wait'): Promise<void> {
    return disableTasks === 'wait' ? Promise.resolve() : this.stopJobTasks(job.id, disableTasks);
  }

  jobDeleted(job: JobRecord): Promise<void> {
    this.clearJobTimer(job.id);
    this.pending.removeJob(job.id);
    return this.stopJobTasks(job.id, 'terminate');
  }

  /** A node leaves or fails: its tasks are killed, then requeued or completed as terminated. */
  stopNodeTasks(poolId: string, nodeId: string, mode: TaskStopMode): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const placement of this.placements.values()) {
      if (nodeKey(placement.poolId, placement.nodeId) !== nodeKey(poolId, nodeId)) continue;
      placement.run.stop(mode === 'requeue' ? 'nodeLost' : 'terminated');
      stopping.push(placement.done);
    }
    return Promise.all(stopping).then(() => undefined);
  }

  /** Resolves when no task runs on the node any more (it takes no new ones meanwhile). */
  async nodeDrained(poolId: string, nodeId: string): Promise<void> {
    for (;;) {
      const running = [...this.placements.values()].filter((p) => nodeKey(p.poolId, p.nodeId) === nodeKey(poolId, nodeId));
      if (running.length === 0) return;
      await Promise.all(running.map((placement) => placement.done));
    }
  }

  stopJobTasks(jobId: string, mode: TaskStopMode): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const placement of this.placements.values()) {
      if (storeKey(placement.jobId) !== storeKey(jobId)) continue;
      placement.run.stop(mode === 'requeue' ? 'nodeLost' : 'terminated');
      stopping.push(placement.done);
    }
    return Promise.all(stopping).then(() => undefined);
  }

  /** The job's settings changed (patch/update): new priority, a new onAllTasksComplete, … */
  jobChanged(job: JobRecord, now: Date): void {
    this.clearJobTimer(job.id);
    if (job.state === 'active' || job.state === 'disabled') this.watchJobWallClock(job);
    this.afterTaskChange(job, now);
    this.kick();
  }

  /** Stops every process; tasks stay as they are stored, so a restart requeues them. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.jobTimers.values()) timer.cancel();
    this.jobTimers.clear();
    const done = [...this.placements.values()].map((placement) => {
      placement.run.stop('shutdown');
      return placement.done;
    });
    await Promise.all(done);
  }

  private schedule(): void {
    for (const pool of this.store.listPools()) {
      if (pool.state === 'active') this.scheduleOnPool(pool);
    }
  }

  private scheduleOnPool(pool: PoolRecord): void {
    const nodes = this.store.listNodes(pool.id).filter((node) => node.schedulingState === 'enabled' && (node.state === 'idle' || node.state === 'running'));
    if (nodes.length === 0) return;
    const free = nodes.map((node) => pool.taskSlotsPerNode - (this.usedSlots.get(nodeKey(pool.id, node.id)) ?? 0));
    let maxFree = Math.max(...free);
    if (maxFree <= 0) return;

    const jobs = this.store
      .listJobs()
      .filter((job) => job.state === 'active' && storeKey(poolIdOf(job)) === storeKey(pool.id) && this.pending.list(job.id))
      .sort((a, b) => priorityOf(b) - priorityOf(a) || a.seq - b.seq);

    let index = 0;
    while (index < jobs.length && maxFree > 0) {
      // Jobs of equal priority share one queue in task submission order.
      const priority = priorityOf(jobs[index]);
      const group: Array<{ job: JobRecord; position: number }> = [];
      while (index < jobs.length && priorityOf(jobs[index]) === priority) group.push({ job: jobs[index++], position: 0 });

      while (group.length > 0 && maxFree > 0) {
        let best = 0;
        for (let i = 1; i < group.length; i++) {
          if (this.pending.list(group[i].job.id)!.at(group[i].position).seq < this.pending.list(group[best].job.id)!.at(group[best].position).seq) best = i;
        }
        const cursor = group[best];
        const list = this.pending.list(cursor.job.id)!;
        const candidate = list.at(cursor.position);
        let exhausted = false;
        const limit = cursor.job.spec.maxParallelTasks as number | undefined;
        if (limit !== undefined && limit > 0 && (this.runningPerJob.get(storeKey(cursor.job.id)) ?? 0) >= limit) {
          exhausted = true;
        } else {
          const task = this.store.getTask(candidate.jobId, candidate.taskId);
          if (!task || task.state !== 'active') {
            list.removeAt(cursor.position);
          } else {
            const slots = requiredSlotsOf(task);
            const nodeIndex = slots <= maxFree && dependenciesSatisfied(task, this.store) ? pickNode(free, slots, pool.nodeFillType) : -1;
            if (nodeIndex < 0) {
              cursor.position++;
            } else {
              list.removeAt(cursor.position);
              free[nodeIndex] -= slots;
              maxFree = Math.max(...free);
              this.start(task, cursor.job, pool, nodes[nodeIndex], slots);
            }
          }
          exhausted = !this.pending.list(cursor.job.id) || cursor.position >= list.length;
        }
        if (exhausted) group.splice(best, 1);
      }
    }
  }

  private start(task: TaskRecord, job: JobRecord, pool: PoolRecord, node: NodeRecord, slots: number): void {
    const now = new Date();
    const { layout } = this.options;
    const info = executionInfoOf(task);
    delete info.endTime;
    delete info.exitCode;
    delete info.result;
    delete info.failureInfo;
    delete info.containerInfo;
    delete task.filesCleanedUp;
    info.startTime = timestamp(now);
    task.nodeInfo = nodeInfoOf(pool.id, node.id);
    const image = (task.spec.containerSettings as { imageName?: string } | undefined)?.imageName;
    if (image) {
      info.containerInfo = containerNotCreated(image);
    }
    setTaskState(task, 'preparing', now);
    this.store.saveTask(task);

    node.totalTasksRun++;
    this.store.saveNode(node);
    const key = nodeKey(pool.id, node.id);
    this.usedSlots.set(key, (this.usedSlots.get(key) ?? 0) + slots);
    this.runningPerJob.set(storeKey(job.id), (this.runningPerJob.get(storeKey(job.id)) ?? 0) + 1);
    this.updateNodeState(pool.id, node.id, now);

    layout.materializeNode(pool.id, node.id);
    const constraints = effectiveConstraints(task, job);
    const taskDir = layout.taskDir(pool.id, node.id, task.jobId, task.id);
    const workingDir = layout.workingDir(pool.id, node.id, task.jobId, task.id);
    const run = new TaskRun(
      {
        commandLine: task.spec.commandLine as string,
        taskDir,
        workingDir,
        environment: taskEnvironment({
          accountName: this.options.accountName,
          accountUrl: this.accountUrl,
          poolId: pool.id,
          nodeId: node.id,
          isDedicated: node.isDedicated,
          jobId: task.jobId,
          taskId: task.id,
          nodeRootDir: layout.rootDir(pool.id, node.id),
          taskDir,
          workingDir,
          sharedDir: layout.sharedDir(pool.id, node.id),
          startupDir: layout.startupDir(pool.id, node.id),
          jobSettings: (job.spec.commonEnvironmentSettings as Array<{ name: string; value?: string }> | undefined) ?? [],
          taskSettings: (task.spec.environmentSettings as Array<{ name: string; value?: string }> | undefined) ?? [],
        }),
        resourceFiles: (task.spec.resourceFiles as ResourceFileSpec[] | undefined) ?? [],
        outputFiles: (task.spec.outputFiles as unknown as OutputFileSpec[] | undefined) ?? [],
        maxWallClockMs: constraints.maxWallClockMs,
        maxWallClockText: constraints.maxWallClockTime,
      },
      this.options.launchers,
      {
        onRunning: (pid) => {
          const current = this.store.getTask(task.jobId, task.id);
          if (!current || current.state !== 'preparing' || this.closed) return;
          current.processGroupId = pid;
          setTaskState(current, 'running', new Date());
          this.store.saveTask(current);
        },
      },
    );
    const placement: Placement = { jobId: task.jobId, taskId: task.id, poolId: pool.id, nodeId: node.id, slots, run, done: Promise.resolve() };
    placement.done = run.outcome
      .catch((error: Error): AttemptOutcome => {
        this.options.log?.(`batch emulator: task ${task.jobId}/${task.id} could not be run: ${error.stack ?? error.message}`);
        return { kind: 'preprocessingFailed', failureInfo: { category: 'servererror', code: 'InternalError', message: error.message } };
      })
      .then((outcome) => this.finishAttempt(placement, outcome));
    this.placements.set(placementKey(task.jobId, task.id), placement);
  }

  private finishAttempt(placement: Placement, outcome: AttemptOutcome): void {
    this.placements.delete(placementKey(placement.jobId, placement.taskId));
    const key = nodeKey(placement.poolId, placement.nodeId);
    this.usedSlots.set(key, (this.usedSlots.get(key) ?? 0) - placement.slots);
    const jobKey = storeKey(placement.jobId);
    this.runningPerJob.set(jobKey, (this.runningPerJob.get(jobKey) ?? 1) - 1);
    if (this.closed) return;

    const now = new Date();
    this.updateNodeState(placement.poolId, placement.nodeId, now);
    const task = this.store.getTask(placement.jobId, placement.taskId);
    const job = this.store.getJob(placement.jobId);
    if (!task || !job || task.state === 'completed') {
      this.kick();
      return;
    }
    delete task.processGroupId;
    const decision = decideOutcome(outcome, task, job);
    if (decision.kind === 'requeue') this.requeue(task, now);
    else if (decision.kind === 'retry') this.retry(task, decision.exitCode, now);
    else {
      this.complete(task, decision, now);
      if (!decision.failureInfo) this.countSuccess(placement.poolId, placement.nodeId);
    }
    this.kick();
  }

  private countSuccess(poolId: string, nodeId: string): void {
    const node = this.store.getNode(poolId, nodeId);
    if (!node) return;
    node.totalTasksSucceeded++;
    this.store.saveNode(node);
  }

  private retry(task: TaskRecord, exitCode: number, now: Date): void {
    const info = executionInfoOf(task);
    info.retryCount++;
    info.lastRetryTime = timestamp(now);
    info.exitCode = exitCode;
    setTaskState(task, 'active', now);
    this.store.saveTask(task);
    this.pending.add({ jobId: task.jobId, taskId: task.id, seq: task.seq });
  }

  private requeue(task: TaskRecord, now: Date): void {
    const info = executionInfoOf(task);
    info.requeueCount++;
    info.lastRequeueTime = timestamp(now);
    delete task.processGroupId;
    setTaskState(task, 'active', now);
    this.store.saveTask(task);
    this.pending.add({ jobId: task.jobId, taskId: task.id, seq: task.seq });
  }

  private complete(task: TaskRecord, result: { exitCode?: number; failureInfo?: FailureInfo }, now: Date): void {
    const info = executionInfoOf(task);
    info.endTime = timestamp(now);
    if (result.exitCode !== undefined) info.exitCode = result.exitCode;
    info.result = result.failureInfo ? 'failure' : 'success';
    if (result.failureInfo) info.failureInfo = result.failureInfo;
    else delete info.failureInfo;
    setTaskState(task, 'completed', now);
    this.store.saveTask(task);
    const job = this.store.getJob(task.jobId);
    if (!job) return;
    if (job.spec.onTaskFailure === 'performexitoptionsjobaction') {
      const action = exitOptionsOf(task).jobAction;
      if (action === 'terminate' && job.state === 'active') {
        this.terminateJob(job, 'TaskFailed', now);
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
  private afterTaskChange(job: JobRecord, now: Date): void {
    if (job.state === 'terminating') {
      this.finishTerminationIfIdle(job, now);
      return;
    }
    if (job.spec.onAllTasksComplete !== 'terminatejob' || (job.state !== 'active' && job.state !== 'disabled')) return;
    if (this.pending.count(job.id) > 0 || (this.runningPerJob.get(storeKey(job.id)) ?? 0) > 0) return;
    if (this.store.listTasks(job.id).some((task) => task.state !== 'completed')) return;
    this.completeJob(job, 'AllTasksComplete', now);
  }

  private finishTerminationIfIdle(job: JobRecord, now: Date): void {
    if ((this.runningPerJob.get(storeKey(job.id)) ?? 0) > 0) return;
    this.completeJob(job, job.executionInfo.terminateReason ?? 'UserTerminate', now);
  }

  private completeJob(job: JobRecord, reason: string, now: Date): void {
    this.clearJobTimer(job.id);
    job.executionInfo.terminateReason = reason;
    job.executionInfo.endTime = timestamp(now);
    setJobState(job, 'completed', now);
    this.store.saveJob(job);
  }

  private watchJobWallClock(job: JobRecord): void {
    const limit = parseDuration(((job.spec.constraints as { maxWallClockTime?: string } | undefined)?.maxWallClockTime) ?? UNLIMITED_DURATION);
    if (limit === undefined || !Number.isFinite(limit)) return;
    const remaining = Date.parse(job.creationTime) + limit - Date.now();
    const timer = setLongTimeout(() => {
      this.jobTimers.delete(storeKey(job.id));
      const current = this.store.getJob(job.id);
      if (current && (current.state === 'active' || current.state === 'disabled')) this.terminateJob(current, 'MaxWallClockTimeExpiry', new Date());
    }, remaining);
    this.jobTimers.set(storeKey(job.id), timer);
  }

  private clearJobTimer(jobId: string): void {
    this.jobTimers.get(storeKey(jobId))?.cancel();
    this.jobTimers.delete(storeKey(jobId));
  }

  private updateNodeState(poolId: string, nodeId: string, now: Date): void {
    const node = this.store.getNode(poolId, nodeId);
    if (!node || (node.state !== 'idle' && node.state !== 'running')) return;
    const state = (this.usedSlots.get(nodeKey(poolId, nodeId)) ?? 0) > 0 ? 'running' : 'idle';
    if (node.state === state) return;
    node.state = state;
    node.stateTransitionTime = timestamp(now);
    this.store.saveNode(node);
  }
}

/** The node with the most free slots (spread) or the first with enough (pack). */
function pickNode(free: number[], slots: number, fill: 'spread' | 'pack'): number {
  let chosen = -1;
  for (let i = 0; i < free.length; i++) {
    if (free[i] < slots) continue;
    if (fill === 'pack') return i;
    if (chosen < 0 || free[i] > free[chosen]) chosen = i;
  }
  return chosen;
}

