import type { JobRecord, NodeRecord, PoolRecord, TaskRecord } from '../model/types';
import { effectiveConstraints, preparationTaskOf, type JobNodeTaskSettings } from '../model/settings';
import { timestamp } from '../model/timestamp';
import { taskEnvironment } from '../node/environment';
import type { ProcessLaunchers } from '../node/launcher';
import type { NodeLayout } from '../node/layout';
import type { OutputFileSpec } from '../node/outputFiles';
import type { ResourceFileSpec } from '../node/resourceFiles';
import { TaskRun, type AttemptOutcome, type StopReason } from '../node/taskRunner';
import type { BatchStore } from '../store/store';
import { storeKey } from '../store/store';

export interface NodeAgentOptions {
  store: BatchStore;
  layout: NodeLayout;
  launchers: ProcessLaunchers;
  accountName: string;
  log?: (line: string) => void;
}

/** A task attempt occupying slots on one node. */
export interface RunningTask {
  jobId: string;
  taskId: string;
  poolId: string;
  nodeId: string;
  slots: number;
  /** The creation time of the task record it runs: a task deleted and added again under its id is another task. */
  taskCreationTime: string;
  run: TaskRun;
  done: Promise<void>;
}

export interface NodeAgentHooks {
  /** Resource files are in place and the process started. */
  launched(jobId: string, taskId: string, pid: number | undefined): void;
  /** The attempt ended and its slots are free again. */
  attemptEnded(running: RunningTask, outcome: AttemptOutcome): void;
}

/** A job preparation or release task running on a node. */
interface NodeTaskRun {
  jobId: string;
  poolId: string;
  nodeId: string;
  run: TaskRun;
  done: Promise<void>;
}

interface LaunchSpec {
  taskId: string;
  commandLine: string;
  taskSettings: Array<{ name: string; value?: string }>;
  resourceFiles: ResourceFileSpec[];
  outputFiles: OutputFileSpec[];
  maxWallClockMs: number;
  maxWallClockText: string;
  prepared?: Promise<boolean>;
  onRunning(pid: number | undefined): void;
}

const runKey = (jobId: string, taskId: string): string => `${storeKey(jobId)}/${storeKey(taskId)}`;
const nodeKey = (poolId: string, nodeId: string): string => `${storeKey(poolId)}/${storeKey(nodeId)}`;

/**
 * What Batch's agent on each node does: runs a placed task in the node's directory
 * layout (resource files, process, output files), keeps count of the slots in use on
 * each node and of each job's running tasks, and stops tasks when asked.
 */
export class NodeAgent {
  private readonly running = new Map<string, RunningTask>();
  private readonly nodeTaskRuns = new Set<NodeTaskRun>();
  private readonly usedSlotsByNode = new Map<string, number>();
  private readonly runningByJob = new Map<string, number>();
  private closed = false;
  accountUrl = '';

  constructor(
    private readonly options: NodeAgentOptions,
    private readonly hooks: NodeAgentHooks,
  ) {}

  usedSlots(poolId: string, nodeId: string): number {
    return this.usedSlotsByNode.get(nodeKey(poolId, nodeId)) ?? 0;
  }

  runningInJob(jobId: string): number {
    return this.runningByJob.get(storeKey(jobId)) ?? 0;
  }

  isRunning(jobId: string, taskId: string): boolean {
    return this.running.has(runKey(jobId, taskId));
  }

  runningTaskCount(poolId: string, nodeId: string): { tasks: number; slots: number } {
    return { tasks: this.onNode(poolId, nodeId).length, slots: this.usedSlots(poolId, nodeId) };
  }

  /**
   * Starts one attempt of a task already marked `preparing` on the node; its slots are taken
   * now, its process starts once `prepared` (the node's job preparation task) resolves true.
   */
  start(task: TaskRecord, job: JobRecord, pool: PoolRecord, node: NodeRecord, slots: number, prepared?: Promise<boolean>): void {
    node.totalTasksRun++;
    this.options.store.saveNode(node);
    const key = nodeKey(pool.id, node.id);
    this.usedSlotsByNode.set(key, this.usedSlots(pool.id, node.id) + slots);
    this.runningByJob.set(storeKey(job.id), this.runningInJob(job.id) + 1);
    this.updateNodeState(pool.id, node.id, new Date());

    const constraints = effectiveConstraints(task, job);
    const run = this.launch(job, pool, node, {
      taskId: task.id,
      commandLine: task.spec.commandLine as string,
      taskSettings: (task.spec.environmentSettings as Array<{ name: string; value?: string }> | undefined) ?? [],
      resourceFiles: (task.spec.resourceFiles as ResourceFileSpec[] | undefined) ?? [],
      outputFiles: (task.spec.outputFiles as unknown as OutputFileSpec[] | undefined) ?? [],
      maxWallClockMs: constraints.maxWallClockMs,
      maxWallClockText: constraints.maxWallClockTime,
      prepared,
      onRunning: (pid) => this.hooks.launched(task.jobId, task.id, pid),
    });
    const running: RunningTask = { jobId: task.jobId, taskId: task.id, poolId: pool.id, nodeId: node.id, slots, taskCreationTime: task.creationTime, run, done: Promise.resolve() };
    running.done = this.outcomeOf(run, task.jobId, task.id).then((outcome) => this.attemptEnded(running, outcome));
    this.running.set(runKey(task.jobId, task.id), running);
  }

  /**
   * Runs a job preparation or release task on the node, in its own directory beside the
   * job's tasks. It takes no task slot; the caller decides what its outcome means.
   */
  runJobNodeTask(job: JobRecord, pool: PoolRecord, node: NodeRecord, settings: JobNodeTaskSettings): Promise<AttemptOutcome> {
    const run = this.launch(job, pool, node, {
      taskId: settings.id,
      commandLine: settings.commandLine,
      taskSettings: settings.environmentSettings,
      resourceFiles: settings.resourceFiles as unknown as ResourceFileSpec[],
      outputFiles: [],
      maxWallClockMs: settings.maxWallClockMs,
      maxWallClockText: settings.maxWallClockTime,
      onRunning: () => undefined,
    });
    const entry: NodeTaskRun = { jobId: job.id, poolId: pool.id, nodeId: node.id, run, done: Promise.resolve() };
    const outcome = this.outcomeOf(run, job.id, settings.id);
    entry.done = outcome.then(() => {
      this.nodeTaskRuns.delete(entry);
    });
    this.nodeTaskRuns.add(entry);
    return outcome;
  }

  private launch(job: JobRecord, pool: PoolRecord, node: NodeRecord, spec: LaunchSpec): TaskRun {
    const { layout } = this.options;
    layout.materializeNode(pool.id, node.id);
    const taskDir = layout.taskDir(pool.id, node.id, job.id, spec.taskId);
    const workingDir = layout.workingDir(pool.id, node.id, job.id, spec.taskId);
    const preparation = preparationTaskOf(job);
    return new TaskRun(
      {
        commandLine: spec.commandLine,
        taskDir,
        workingDir,
        environment: taskEnvironment({
          accountName: this.options.accountName,
          accountUrl: this.accountUrl,
          poolId: pool.id,
          nodeId: node.id,
          isDedicated: node.isDedicated,
          jobId: job.id,
          taskId: spec.taskId,
          nodeRootDir: layout.rootDir(pool.id, node.id),
          taskDir,
          workingDir,
          sharedDir: layout.sharedDir(pool.id, node.id),
          startupDir: layout.startupDir(pool.id, node.id),
          jobPrepDir: preparation && layout.taskDir(pool.id, node.id, job.id, preparation.id),
          jobSettings: (job.spec.commonEnvironmentSettings as Array<{ name: string; value?: string }> | undefined) ?? [],
          taskSettings: spec.taskSettings,
        }),
        resourceFiles: spec.resourceFiles,
        outputFiles: spec.outputFiles,
        maxWallClockMs: spec.maxWallClockMs,
        maxWallClockText: spec.maxWallClockText,
        prepared: spec.prepared,
      },
      this.options.launchers,
      {
        onRunning: (pid) => {
          if (!this.closed) spec.onRunning(pid);
        },
      },
    );
  }

  private outcomeOf(run: TaskRun, jobId: string, taskId: string): Promise<AttemptOutcome> {
    return run.outcome.catch((error: Error): AttemptOutcome => {
      this.options.log?.(`batch emulator: task ${jobId}/${taskId} could not be run: ${error.stack ?? error.message}`);
      return { kind: 'preprocessingFailed', failureInfo: { category: 'servererror', code: 'InternalError', message: error.message } };
    });
  }

  /** Stops one task's attempt; false when it is not running. */
  stopTask(jobId: string, taskId: string, reason: StopReason): boolean {
    const running = this.running.get(runKey(jobId, taskId));
    running?.run.stop(reason);
    return running !== undefined;
  }

  /** Stops what runs on the node: its tasks and any job preparation or release task. */
  stopNodeTasks(poolId: string, nodeId: string, reason: StopReason): Promise<void> {
    const key = nodeKey(poolId, nodeId);
    const nodeTasks = [...this.nodeTaskRuns].filter((entry) => nodeKey(entry.poolId, entry.nodeId) === key);
    return this.stopAll([...this.onNode(poolId, nodeId), ...nodeTasks], reason);
  }

  stopJobTasks(jobId: string, reason: StopReason): Promise<void> {
    return this.stopAll([...this.running.values()].filter((running) => storeKey(running.jobId) === storeKey(jobId)), reason);
  }

  /** Stops the job's preparation and release tasks wherever they run. */
  stopJobNodeTasks(jobId: string, reason: StopReason): Promise<void> {
    return this.stopAll([...this.nodeTaskRuns].filter((entry) => storeKey(entry.jobId) === storeKey(jobId)), reason);
  }

  /** Resolves when no task runs on the node any more (it takes no new ones meanwhile). */
  async nodeDrained(poolId: string, nodeId: string): Promise<void> {
    for (;;) {
      const running = this.onNode(poolId, nodeId);
      if (running.length === 0) return;
      await Promise.all(running.map((task) => task.done));
    }
  }

  /** Stops every process; the tasks' records stay as they are. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stopAll([...this.running.values(), ...this.nodeTaskRuns], 'shutdown');
  }

  private onNode(poolId: string, nodeId: string): RunningTask[] {
    const key = nodeKey(poolId, nodeId);
    return [...this.running.values()].filter((running) => nodeKey(running.poolId, running.nodeId) === key);
  }

  private stopAll(tasks: Array<{ run: TaskRun; done: Promise<void> }>, reason: StopReason): Promise<void> {
    for (const task of tasks) task.run.stop(reason);
    return Promise.all(tasks.map((task) => task.done)).then(() => undefined);
  }

  private attemptEnded(running: RunningTask, outcome: AttemptOutcome): void {
    // A deleted task's run may end after a task added again under its id has started: that run stays.
    if (this.running.get(runKey(running.jobId, running.taskId)) === running) this.running.delete(runKey(running.jobId, running.taskId));
    const key = nodeKey(running.poolId, running.nodeId);
    this.usedSlotsByNode.set(key, this.usedSlots(running.poolId, running.nodeId) - running.slots);
    this.runningByJob.set(storeKey(running.jobId), (this.runningByJob.get(storeKey(running.jobId)) ?? 1) - 1);
    if (this.closed) return;
    this.updateNodeState(running.poolId, running.nodeId, new Date());
    this.hooks.attemptEnded(running, outcome);
  }

  private updateNodeState(poolId: string, nodeId: string, now: Date): void {
    const node = this.options.store.getNode(poolId, nodeId);
    if (!node || (node.state !== 'idle' && node.state !== 'running')) return;
    const state = this.usedSlots(poolId, nodeId) > 0 ? 'running' : 'idle';
    if (node.state === state) return;
    node.state = state;
    node.stateTransitionTime = timestamp(now);
    this.options.store.saveNode(node);
  }
}
