import { poolIdOf, priorityOf, requiredSlotsOf } from '../model/settings';
import type { JobRecord, NodeRecord, PoolRecord, TaskRecord } from '../model/types';
import type { BatchStore } from '../store/store';
import { storeKey } from '../store/store';
import { dependenciesSatisfied } from './dependencies';
import type { PendingQueue } from './pendingQueue';

/** What placement reads of the nodes' occupancy, and how it hands a task over. */
export interface PlacementTarget {
  usedSlots(poolId: string, nodeId: string): number;
  runningInJob(jobId: string): number;
  /** Whether the job's tasks may go to the node (not where its job preparation task failed). */
  mayRunOn(job: JobRecord, pool: PoolRecord, node: NodeRecord): boolean;
  place(task: TaskRecord, job: JobRecord, pool: PoolRecord, node: NodeRecord, slots: number): void;
}

/**
 * Batch's task placement on one pool: active tasks go to nodes that have
 * `requiredSlots` free of `taskSlotsPerNode`, higher job priority first, jobs of
 * equal priority sharing one queue in task submission order; a job's
 * `maxParallelTasks` and a task's unsatisfied dependencies hold tasks back, and a job's
 * tasks avoid nodes where its preparation task failed.
 */
export function placeTasksOnPool(pool: PoolRecord, store: BatchStore, pending: PendingQueue, target: PlacementTarget): void {
  const nodes = store.listNodes(pool.id).filter((node) => node.schedulingState === 'enabled' && (node.state === 'idle' || node.state === 'running'));
  if (nodes.length === 0) return;
  const free = nodes.map((node) => pool.taskSlotsPerNode - target.usedSlots(pool.id, node.id));
  let maxFree = Math.max(...free);
  if (maxFree <= 0) return;

  const jobs = store
    .listJobs()
    .filter((job) => job.state === 'active' && storeKey(poolIdOf(job)) === storeKey(pool.id) && pending.list(job.id))
    .sort((a, b) => priorityOf(b) - priorityOf(a) || a.seq - b.seq);

  let index = 0;
  while (index < jobs.length && maxFree > 0) {
    const priority = priorityOf(jobs[index]);
    const group: Array<{ job: JobRecord; position: number }> = [];
    while (index < jobs.length && priorityOf(jobs[index]) === priority) group.push({ job: jobs[index++], position: 0 });

    while (group.length > 0 && maxFree > 0) {
      let best = 0;
      for (let i = 1; i < group.length; i++) {
        if (pending.list(group[i].job.id)!.at(group[i].position).seq < pending.list(group[best].job.id)!.at(group[best].position).seq) best = i;
      }
      const cursor = group[best];
      const list = pending.list(cursor.job.id)!;
      const candidate = list.at(cursor.position);
      let exhausted = false;
      const limit = cursor.job.spec.maxParallelTasks as number | undefined;
      if (limit !== undefined && limit > 0 && target.runningInJob(cursor.job.id) >= limit) {
        exhausted = true;
      } else {
        const task = store.getTask(candidate.jobId, candidate.taskId);
        if (!task || task.state !== 'active') {
          list.removeAt(cursor.position);
        } else {
          const slots = requiredSlotsOf(task);
          const ready = (i: number): boolean => target.mayRunOn(cursor.job, pool, nodes[i]);
          const nodeIndex = slots <= maxFree && dependenciesSatisfied(task, store) ? pickNode(free, slots, pool.nodeFillType, ready) : -1;
          if (nodeIndex < 0) {
            cursor.position++;
          } else {
            list.removeAt(cursor.position);
            free[nodeIndex] -= slots;
            maxFree = Math.max(...free);
            target.place(task, cursor.job, pool, nodes[nodeIndex], slots);
          }
        }
        exhausted = !pending.list(cursor.job.id) || cursor.position >= list.length;
      }
      if (exhausted) group.splice(best, 1);
    }
  }
}

/** Of the ready nodes, the one with the most free slots (spread) or the first with enough (pack). */
function pickNode(free: number[], slots: number, fill: 'spread' | 'pack', ready: (index: number) => boolean): number {
  let chosen = -1;
  for (let i = 0; i < free.length; i++) {
    if (free[i] < slots || !ready(i)) continue;
    if (fill === 'pack') return i;
    if (chosen < 0 || free[i] > free[chosen]) chosen = i;
  }
  return chosen;
}
