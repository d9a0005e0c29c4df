import fs from 'node:fs';
import path from 'node:path';
import { agreesWithTally, childShardSchema, childShardSchemaFile, emptyShard, resetChild, tallyShard, updateChild } from '../../src/model/childShard';

describe('the per-child results format (schema/arrayJob.children.json)', () => {
  it('is what npm run schemas writes from the zod schema', () => {
    expect(fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'arrayJob.children.json'), 'utf8')).toBe(childShardSchemaFile());
  });

  it('accepts every shard the workflow writes: fresh, updated and reset children', () => {
    const shard = emptyShard(1000, 3);
    expect(childShardSchema.safeParse(shard).success).toBe(true);
    updateChild(shard, 1000, { status: 'Succeeded', exitCode: 0, result: { answer: [1, 2] }, startTime: '2026-01-02T03:04:05.000Z', endTime: '2026-01-02T03:04:06.000Z' });
    updateChild(shard, 1001, { status: 'Failed', exitCode: 3, reason: 'The task exited with code 3.' });
    updateChild(shard, 1002, { status: 'Running', startTime: '2026-01-02T03:04:05.000Z' });
    shard.abortReasons[2] = 'stuck';
    expect(childShardSchema.safeParse(JSON.parse(JSON.stringify(shard))).success).toBe(true);
    resetChild(shard, 1001);
    expect(childShardSchema.parse(shard).statuses).toBe('SAR');
  });

  it('refuses what a reader could not interpret', () => {
    const bad = [
      { ...emptyShard(1, 2), statuses: 'AX' },
      { ...emptyShard(1, 2), first: 0 },
      { ...emptyShard(1, 2), exitCodes: ['0', null] },
      { ...emptyShard(1, 2), endTimes: ['yesterday', null] },
    ];
    for (const shard of bad) expect(childShardSchema.safeParse(shard).success).toBe(false);
  });
});

describe('a completed shard\'s tally', () => {
  it('tells the shard the workflow last wrote from an older version storage gave back', () => {
    const completed = emptyShard(1, 3);
    updateChild(completed, 1, { status: 'Succeeded', exitCode: 0, result: 1 });
    updateChild(completed, 2, { status: 'Succeeded', exitCode: 0, result: 4 });
    updateChild(completed, 3, { status: 'Failed', exitCode: 2 });
    const tally = tallyShard(completed);
    expect(tally).toEqual({ succeeded: 2, failed: 1, results: 2 });
    expect(agreesWithTally(JSON.parse(JSON.stringify(completed)), tally)).toBe(true);

    // Before the results were gathered: every status right, no result.
    const ungathered = JSON.parse(JSON.stringify(completed));
    ungathered.results = [null, null, null];
    expect(agreesWithTally(ungathered, tally)).toBe(false);
    // Before the last child was recorded.
    const earlier = JSON.parse(JSON.stringify(completed));
    updateChild(earlier, 3, { status: 'Running' });
    expect(agreesWithTally(earlier, tally)).toBe(false);
    // Never written at all.
    expect(agreesWithTally(emptyShard(1, 3), tally)).toBe(false);
  });
});
