import type { JobRecord, NodeRecord, PoolRecord, TaskRecord } from '../model/types';
import { storeKey, type BatchStore } from './store';

/** Keeps everything in maps; state is lost when the process ends. */
export class MemoryStore implements BatchStore {
  protected readonly pools = new Map<string, PoolRecord>();
  protected readonly nodes = new Map<string, Map<string, NodeRecord>>();
  protected readonly jobs = new Map<string, JobRecord>();
  protected readonly tasks = new Map<string, Map<string, TaskRecord>>();
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
  }

  getTask(jobId: string, taskId: string): TaskRecord | undefined {
    return this.tasks.get(storeKey(jobId))?.get(storeKey(taskId));
  }
  listTasks(jobId: string): TaskRecord[] {
    return [...(this.tasks.get(storeKey(jobId))?.values() ?? [])];
  }
  saveTask(task: TaskRecord): void {
    const key = storeKey(task.jobId);
    let job = this.tasks.get(key);
    if (!job) this.tasks.set(key, (job = new Map()));
    job.set(storeKey(task.id), task);
  }
  deleteTask(jobId: string, taskId: string): void {
    this.tasks.get(storeKey(jobId))?.delete(storeKey(taskId));
  }

  nextSequence(): number {
    return ++this.sequence;
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
