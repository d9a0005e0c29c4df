import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import fs from 'node:fs';
import { z } from 'zod';

/**
 * What one worker process has run, written by the worker itself: with several
 * workers on one task queue it shows how Temporal spread the activities.
 */
export const workerActivityCountsSchema = z.object({
  identity: z.string(),
  pid: z.number().int(),
  /** Activity executions that began here (each retry counts once more). */
  started: z.number().int().nonnegative(),
  /** Of those, the ones that ended here, by success or failure. */
  finished: z.number().int().nonnegative(),
  /** Running here right now. */
  running: z.number().int().nonnegative(),
  finishedByType: z.record(z.string(), z.number().int().nonnegative()),
  updatedAt: z.string(),
});

export type WorkerActivityCounts = z.infer<typeof workerActivityCountsSchema>;

export function readWorkerActivityCounts(file: string): WorkerActivityCounts | undefined {
  if (!fs.existsSync(file)) return undefined;
  return workerActivityCountsSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** Keeps `file` current (written whole, then renamed, so a reader never sees half of it). */
export function countActivitiesInto(file: string, identity: string): ActivityInterceptorsFactory {
  const counts: WorkerActivityCounts = {
    identity,
    pid: process.pid,
    started: 0,
    finished: 0,
    running: 0,
    finishedByType: {},
    updatedAt: new Date().toISOString(),
  };
  const save = () => {
    counts.updatedAt = new Date().toISOString();
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(counts));
    fs.renameSync(`${file}.tmp`, file);
  };
  save();
  return (context) => ({
    inbound: {
      async execute(input, next) {
        counts.started++;
        counts.running++;
        save();
        try {
          return await next(input);
        } finally {
          const type = context.info.activityType;
          counts.running--;
          counts.finished++;
          counts.finishedByType[type] = (counts.finishedByType[type] ?? 0) + 1;
          save();
        }
      },
    },
  });
}
