import type { JobRecord, NodeRecord, PoolRecord, TaskRecord } from '../model/types';
import type { TaskCounts } from './taskCounter';

/**
 * Where the emulator keeps its entities. Handlers and the scheduler read records,
 * change them and hand them back with `save…`; an implementation decides whether
 * that reaches a disk. Ids are matched case-insensitively, as Batch does.
 */
export interface BatchStore {
  getPool(id: string): PoolRecord | undefined;
  listPools(): PoolRecord[];
  savePool(pool: PoolRecord): void;
  deletePool(id: string): void;

  getNode(poolId: string, nodeId: string): NodeRecord | undefined;
  listNodes(poolId: string): NodeRecord[];
  saveNode(node: NodeRecord): void;
  deleteNode(poolId: string, nodeId: string): void;

  getJob(id: string): JobRecord | undefined;
  listJobs(): JobRecord[];
  saveJob(job: JobRecord): void;
  deleteJob(id: string): void;

  getTask(jobId: string, taskId: string): TaskRecord | undefined;
  /** In submission order. */
  listTasks(jobId: string): TaskRecord[];
  /**
   * Tasks whose stateTransitionTime is after `time` (a canonical timestamp; at it too when
   * `inclusive`), in submission order; from an index, without looking at the other tasks.
   */
  listTasksChangedSince(jobId: string, time: string, inclusive: boolean): TaskRecord[];
  /** The job's task counts by state (Get Task Counts), kept up to date as tasks are saved. */
  taskCounts(jobId: string): { taskCounts: TaskCounts; taskSlotCounts: TaskCounts };
  saveTask(task: TaskRecord): void;
  deleteTask(jobId: string, taskId: string): void;

  /** A number that grows with every call and survives restarts. */
  nextSequence(): number;
  /** Resolves once everything saved so far is durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export const storeKey = (id: string): string => id.toLowerCase();
