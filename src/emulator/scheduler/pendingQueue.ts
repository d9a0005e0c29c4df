import { storeKey } from '../store/store';

export interface PendingTask {
  jobId: string;
  taskId: string;
  seq: number;
}

/** One job's active tasks in submission order; removal at the head is O(1). */
export class PendingList {
  private items: PendingTask[] = [];
  private start = 0;

  get length(): number {
    return this.items.length - this.start;
  }
  at(index: number): PendingTask {
    return this.items[this.start + index];
  }
  insert(task: PendingTask): void {
    const last = this.items[this.items.length - 1];
    if (this.length === 0 || last.seq < task.seq) {
      this.items.push(task);
      return;
    }
    let low = this.start;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.items[mid].seq < task.seq) low = mid + 1;
      else high = mid;
    }
    this.items.splice(low, 0, task);
  }
  removeAt(index: number): void {
    if (index === 0) {
      this.start++;
      if (this.start > 1024 && this.start * 2 > this.items.length) {
        this.items = this.items.slice(this.start);
        this.start = 0;
      }
    } else {
      this.items.splice(this.start + index, 1);
    }
  }
  remove(taskId: string): boolean {
    const key = storeKey(taskId);
    for (let i = 0; i < this.length; i++) {
      if (storeKey(this.at(i).taskId) === key) {
        this.removeAt(i);
        return true;
      }
    }
    return false;
  }
}

/** Active tasks waiting for a node, per job. */
export class PendingQueue {
  private readonly jobs = new Map<string, PendingList>();

  add(task: PendingTask): void {
    const key = storeKey(task.jobId);
    let list = this.jobs.get(key);
    if (!list) this.jobs.set(key, (list = new PendingList()));
    list.insert(task);
  }
  remove(jobId: string, taskId: string): boolean {
    return this.jobs.get(storeKey(jobId))?.remove(taskId) ?? false;
  }
  removeJob(jobId: string): PendingTask[] {
    const list = this.jobs.get(storeKey(jobId));
    this.jobs.delete(storeKey(jobId));
    const tasks: PendingTask[] = [];
    for (let i = 0; list && i < list.length; i++) tasks.push(list.at(i));
    return tasks;
  }
  list(jobId: string): PendingList | undefined {
    const list = this.jobs.get(storeKey(jobId));
    return list && list.length > 0 ? list : undefined;
  }
  count(jobId: string): number {
    return this.jobs.get(storeKey(jobId))?.length ?? 0;
  }
}
