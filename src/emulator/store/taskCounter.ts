import { requiredSlotsOf } from '../model/settings';
import type { TaskRecord } from '../model/types';

export interface TaskCounts {
  active: number;
  running: number;
  completed: number;
  succeeded: number;
  failed: number;
}

const BUCKETS = ['active', 'running', 'succeeded', 'failed'] as const;
type Bucket = (typeof BUCKETS)[number];

function bucketOf(task: TaskRecord): Bucket {
  if (task.state === 'active') return 'active';
  if (task.state !== 'completed') return 'running';
  return task.executionInfo?.result === 'failure' ? 'failed' : 'succeeded';
}

/**
 * A job's task counts kept as tasks change, so Get Task Counts costs nothing however many
 * tasks the job has. Each task is remembered with the bucket and slots it is counted under
 * (one small integer), so a save moves it from its old bucket to its new one.
 */
export class TaskCounter {
  private readonly counted = new Map<TaskRecord, number>();
  private readonly tasks = { active: 0, running: 0, succeeded: 0, failed: 0 };
  private readonly slots = { active: 0, running: 0, succeeded: 0, failed: 0 };

  record(task: TaskRecord): void {
    const code = BUCKETS.indexOf(bucketOf(task)) + 4 * requiredSlotsOf(task);
    const previous = this.counted.get(task);
    if (previous === code) return;
    if (previous !== undefined) this.remove(previous);
    this.counted.set(task, code);
    this.tasks[BUCKETS[code % 4]]++;
    this.slots[BUCKETS[code % 4]] += Math.floor(code / 4);
  }

  forget(task: TaskRecord): void {
    const previous = this.counted.get(task);
    if (previous === undefined) return;
    this.counted.delete(task);
    this.remove(previous);
  }

  counts(): { taskCounts: TaskCounts; taskSlotCounts: TaskCounts } {
    const shape = (of: Record<Bucket, number>): TaskCounts => ({ ...of, completed: of.succeeded + of.failed });
    return { taskCounts: shape(this.tasks), taskSlotCounts: shape(this.slots) };
  }

  private remove(code: number): void {
    this.tasks[BUCKETS[code % 4]]--;
    this.slots[BUCKETS[code % 4]] -= Math.floor(code / 4);
  }
}
