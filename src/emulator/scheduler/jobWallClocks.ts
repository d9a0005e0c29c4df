import { setLongTimeout, type LongTimer } from '../model/longTimer';
import type { JobRecord } from '../model/types';
import { parseDuration, UNLIMITED_DURATION } from '../protocol/durations';
import { storeKey } from '../store/store';

/** One timer per job with a `constraints.maxWallClockTime`, counted from the job's creation. */
export class JobWallClocks {
  private readonly timers = new Map<string, LongTimer>();

  watch(job: JobRecord, onExpiry: (jobId: string) => void): void {
    const limit = parseDuration(((job.spec.constraints as { maxWallClockTime?: string } | undefined)?.maxWallClockTime) ?? UNLIMITED_DURATION);
    if (limit === undefined || !Number.isFinite(limit)) return;
    const remaining = Date.parse(job.creationTime) + limit - Date.now();
    const timer = setLongTimeout(() => {
      this.timers.delete(storeKey(job.id));
      onExpiry(job.id);
    }, remaining);
    this.timers.set(storeKey(job.id), timer);
  }

  clear(jobId: string): void {
    this.timers.get(storeKey(jobId))?.cancel();
    this.timers.delete(storeKey(jobId));
  }

  close(): void {
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
  }
}
