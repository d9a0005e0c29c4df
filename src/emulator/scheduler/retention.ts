import { type NodeLayout, removeTaskFiles } from '../node/layout';
import { parseDuration } from '../protocol/durations';
import type { BatchStore } from '../store/store';
import { effectiveConstraints } from '../model/settings';

/**
 * Deletes the directory of a completed task once its retentionTime has passed, as the
 * Batch node does; the task itself stays, and its file API then says the files are gone.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly store: BatchStore,
    private readonly layout: NodeLayout,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sweep(now = Date.now()): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const job of this.store.listJobs()) {
        for (const task of this.store.listTasks(job.id)) {
          if (task.state !== 'completed' || task.filesCleanedUp || !task.nodeInfo || !task.executionInfo?.endTime) continue;
          const retention = parseDuration(effectiveConstraints(task, job).retentionTime) ?? Number.POSITIVE_INFINITY;
          if (Date.parse(task.executionInfo.endTime) + retention > now) continue;
          const { poolId, nodeId } = task.nodeInfo;
          await removeTaskFiles(this.layout.taskDir(poolId, nodeId, task.jobId, task.id));
          const current = this.store.getTask(task.jobId, task.id);
          if (current?.state === 'completed') {
            current.filesCleanedUp = true;
            this.store.saveTask(current);
          }
        }
      }
    } finally {
      this.sweeping = false;
    }
  }
}
