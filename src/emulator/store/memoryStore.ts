import type { JobRecord, NodeRecord, PoolRecord, TaskRecord } from '../model/types';
import { storeKey, type BatchStore } from './store';
import { SharedValues } from './sharedValues';
import { TaskCounter, type TaskCounts } from './taskCounter';
import { TransitionIndex } from './transitionIndex';

/** Keeps everything in maps; state is lost when the process ends. */
export class MemoryStore implements BatchStore {
  protected readonly pools = new Map<string, PoolRecord>();
  protected readonly nodes = new Map<string, Map<string, NodeRecord>>();
  protected readonly jobs = new Map<string, JobRecord>();
  protected readonly tasks = new Map<string, Map<string, TaskRecord>>();
  private readonly transitions = new Map<string, TransitionIndex>();
  private readonly counters = new Map<string, TaskCounter>();
  private readonly shared = new SharedValues();
  protected sequence = 0;

  getPool(id: string): PoolRecord | undefined {
    return this.pools.get(storeKey(id));
  }
  listPools(): PoolRecord[] {
    return [...this.pools.values()];
  }
  savePool(pool: PoolRecord): void {
    this.pools.set(storeKey(pool.id), pool);
  }
  deletePool(id: string): void {
    this.pools.delete(storeKey(id));
    this.nodes.delete(storeKey(id));
  }

  getNode(poolId: string, nodeId: string): NodeRecord | undefined {
    return this.nodes.get(storeKey(poolId))?.get(storeKey(nodeId));
  }
  listNodes(poolId: string): NodeRecord[] {
    return [...(this.nodes.get(storeKey(poolId))?.values() ?? [])];
  }
  saveNode(node: NodeRecord): void {
    const key = storeKey(node.poolId);
    let pool = this.nodes.get(key);
    if (!pool) this.nodes.set(key, (pool = new Map()));
    pool.set(storeKey(node.id), node);
  }
  deleteNode(poolId: string, nodeId: string): void {
    this.nodes.get(storeKey(poolId))?.delete(storeKey(nodeId));
  }

  getJob(id: string): JobRecord | undefined {
    return this.jobs.get(storeKey(id));
  }
  listJobs(): JobRecord[] {
    return [...this.jobs.values()];
  }
  saveJob(job: JobRecord): void {
    this.jobs.set(storeKey(job.id), job);
  }
  deleteJob(id: string): void {
    this.jobs.delete(storeKey(id));
    this.tasks.delete(storeKey(id));
    this.transitions.delete(storeKey(id));
    this.counters.delete(storeKey(id));
  }

  getTask(jobId: string, taskId: string): TaskRecord | undefined {
    return this.tasks.get(storeKey(jobId))?.get(storeKey(taskId));
  }
  listTasks(jobId: string): TaskRecord[] {
    return [...(this.tasks.get(storeKey(jobId))?.values() ?? [])];
  }
  listTasksChangedSince(jobId: string, time: string, inclusive: boolean): TaskRecord[] {
    return this.transitions.get(storeKey(jobId))?.since(time, inclusive).sort((a, b) => a.seq - b.seq) ?? [];
  }
  taskCounts(jobId: string): { taskCounts: TaskCounts; taskSlotCounts: TaskCounts } {
    return (this.counters.get(storeKey(jobId)) ?? new TaskCounter()).counts();
  }
  saveTask(task: TaskRecord): void {
    const key = storeKey(task.jobId);
    let job = this.tasks.get(key);
    if (!job) this.tasks.set(key, (job = new Map()));
    let index = this.transitions.get(key);
    if (!index) this.transitions.set(key, (index = new TransitionIndex()));
    let counter = this.counters.get(key);
    if (!counter) this.counters.set(key, (counter = new TaskCounter()));
    const taskKey = storeKey(task.id);
    const previous = job.get(taskKey);
    if (previous !== task) {
      if (previous) {
        index.forget(previous);
        counter.forget(previous);
      }
      // A task new to the store (added, or read back from disk) shares what it repeats of others.
      task.spec = this.shared.shareSpec(task.spec);
    }
    job.set(taskKey, task);
    index.record(task);
    counter.record(task);
  }
  deleteTask(jobId: string, taskId: string): void {
    const job = this.tasks.get(storeKey(jobId));
    const task = job?.get(storeKey(taskId));
    if (!task) return;
    job!.delete(storeKey(taskId));
    this.transitions.get(storeKey(jobId))?.forget(task);
    this.counters.get(storeKey(jobId))?.forget(task);
  }

  nextSequence(): number {
    return ++this.sequence;
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
