import { z } from 'zod';
import { temporalKinds, type TemporalKind } from './stackTemporal';

/** Which Temporal and how many workers a stack runs. */
export interface StackTopology {
  temporal: TemporalKind;
  workers: number;
}

const maxWorkers = 16;

const topologySchema = z.object({
  temporal: z.enum(temporalKinds, {
    error: (issue) => `REMOTE_BATCH_TEMPORAL (--temporal) must be one of ${temporalKinds.join(', ')}; got '${String(issue.input)}'.`,
  }),
  workers: z.coerce.number().int().min(1).max(maxWorkers),
});

/** From REMOTE_BATCH_TEMPORAL and REMOTE_BATCH_WORKERS (what `remote-batch stack --temporal --workers` sets). */
export function topologyFromEnvironment(env: NodeJS.ProcessEnv = process.env): StackTopology {
  const parsed = topologySchema.safeParse({ temporal: env.REMOTE_BATCH_TEMPORAL || 'dev', workers: env.REMOTE_BATCH_WORKERS || '1' });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new RangeError(
    issue.path[0] === 'workers'
      ? `REMOTE_BATCH_WORKERS (--workers) must be a whole number from 1 to ${maxWorkers}; got '${env.REMOTE_BATCH_WORKERS}'.`
      : issue.message,
  );
}
