/**
 * The one blob an ended array leaves for any client: `results.jsonl` in the
 * job's container, one JSON line per child in order. The workflow writes it
 * whenever the array ends (complete, aborted, closed by the reconciler) and
 * again after a retry; the memo's state says what ended. Pure: zod only.
 */
import { z } from 'zod';
import { type ChildShard, childAttempts, childStatus } from './childShard';
import { attemptKinds } from './failureKind';
import { singleJobStatuses } from './status';

export const arrayResultsBlob = 'results.jsonl';

const time = z.iso.datetime({ offset: true });

export const arrayResultLineSchema = z
  .strictObject({
    child: z.number().int().min(1).describe('The 1-based child index; its task id is 10000000 + child.'),
    status: z.enum(singleJobStatuses).describe('Succeeded or Failed once the array has ended.'),
    exitCode: z.number().int().optional(),
    reason: z.string().optional().describe("The child's JobStatusReason."),
    result: z.unknown().describe("The JSON the child's result.json held (a script's return value); null when it wrote none."),
    startTime: time.optional(),
    endTime: time.optional(),
    attempts: z
      .array(z.strictObject({ kind: z.enum(attemptKinds), reason: z.string() }))
      .optional()
      .describe('Attempts that were rerun before the last one (infrastructure failures, MaxRetries, RetryOn, requeues by Batch), oldest first.'),
  })
  .meta({ title: 'arrayJob result line', description: `One line of ${arrayResultsBlob}: the outcome of one child of an ended array.` });

export type ArrayResultLine = z.output<typeof arrayResultLineSchema>;

/** The lines of one shard's children. */
export function resultLinesOf(shard: ChildShard): ArrayResultLine[] {
  return Array.from({ length: shard.statuses.length }, (_, at) => {
    const child = shard.first + at;
    const attempts = childAttempts(shard, child).map(({ kind, reason }) => ({ kind, reason }));
    return {
      child,
      status: childStatus(shard, child),
      ...(shard.exitCodes[at] !== null ? { exitCode: shard.exitCodes[at]! } : {}),
      ...(shard.reasons[at] !== null ? { reason: shard.reasons[at]! } : {}),
      result: shard.results[at] ?? null,
      ...(shard.startTimes[at] ? { startTime: shard.startTimes[at]! } : {}),
      ...(shard.endTimes[at] ? { endTime: shard.endTimes[at]! } : {}),
      ...(attempts.length > 0 ? { attempts } : {}),
    };
  });
}

/** schema/arrayJob.results.json, as `npm run schemas` writes it. */
export function arrayResultsSchemaFile(): string {
  const { $schema, ...rest } = z.toJSONSchema(arrayResultLineSchema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' });
  return `${JSON.stringify({ $schema, $id: 'remote-batch/arrayJob.results.json', ...rest }, null, 2)}\n`;
}
