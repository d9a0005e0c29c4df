import { canonicalTime } from '../model/timestamp';
import type { TaskRecord } from '../model/types';

interface Entry {
  time: string;
  task: TaskRecord;
}

/**
 * One job's tasks by state-transition time, so "what changed since T" costs the number of
 * changes, not the number of tasks. Every transition appends an entry (times mostly arrive
 * in order); an entry whose task has moved on or was deleted is stale and skipped, and the
 * list is compacted once stale entries outnumber live ones.
 */
export class TransitionIndex {
  private entries: Entry[] = [];
  private sorted = true;
  private stale = 0;
  /** The time each task was last indexed under, to tell a transition from any other save. */
  private readonly indexedAt = new Map<TaskRecord, string>();

  record(task: TaskRecord): void {
    const time = canonicalTime(task.stateTransitionTime) ?? task.stateTransitionTime;
    const previous = this.indexedAt.get(task);
    if (previous === time) return;
    if (previous !== undefined) this.stale++;
    this.indexedAt.set(task, time);
    const last = this.entries[this.entries.length - 1];
    if (last && last.time > time) this.sorted = false;
    this.entries.push({ time, task });
    if (this.stale > 1024 && this.stale > this.entries.length / 2) this.compact();
  }

  /** The task object was replaced (a journal replay) or deleted: its entries no longer count. */
  forget(task: TaskRecord): void {
    if (this.indexedAt.delete(task)) this.stale++;
  }

  /** Tasks whose state changed after `time` (or at it, when `inclusive`), in no particular order. */
  since(time: string, inclusive: boolean): TaskRecord[] {
    if (!this.sorted) this.compact();
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const entryTime = this.entries[middle].time;
      if (entryTime < time || (!inclusive && entryTime === time)) low = middle + 1;
      else high = middle;
    }
    const found: TaskRecord[] = [];
    for (let i = low; i < this.entries.length; i++) {
      const { time: entryTime, task } = this.entries[i];
      if (this.indexedAt.get(task) === entryTime) found.push(task);
    }
    return found;
  }

  private compact(): void {
    this.entries = this.entries.filter((entry) => this.indexedAt.get(entry.task) === entry.time);
    if (!this.sorted) this.entries.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    this.sorted = true;
    this.stale = 0;
  }
}
