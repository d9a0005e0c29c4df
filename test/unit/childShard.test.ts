import { arrayResultLineSchema, resultLinesOf } from '../../src/model/arrayResults';
import { childShardSchema, earliest, emptyShard, rerunDueAt, resetChild, scheduleRerun, updateChild, waitingReruns } from '../../src/model/childShard';

describe("the workflow's per-child records (child shards)", () => {
  it('accepts every shard the workflow writes: fresh, updated and reset children', () => {
    const shard = emptyShard(1000, 3);
    expect(childShardSchema.safeParse(shard).success).toBe(true);
    updateChild(shard, 1000, { status: 'Succeeded', exitCode: 0, result: { answer: [1, 2] }, startTime: '2026-01-02T03:04:05.000Z', endTime: '2026-01-02T03:04:06.000Z' });
    updateChild(shard, 1001, { status: 'Failed', exitCode: 3, reason: 'The task exited with code 3.', endTime: '2026-01-02T03:04:07.000Z' });
    updateChild(shard, 1002, { status: 'Running', startTime: '2026-01-02T03:04:05.000Z' });
    shard.abortReasons[2] = 'stuck';
    expect(childShardSchema.safeParse(JSON.parse(JSON.stringify(shard))).success).toBe(true);
    resetChild(shard, 1001);
    expect(childShardSchema.parse(shard).statuses).toBe('SAR');
  });

  it('keeps a retried child\'s failure among its attempts', () => {
    const shard = emptyShard(1, 1);
    updateChild(shard, 1, { status: 'Failed', exitCode: 3, reason: 'The task exited with code 3.', endTime: '2026-01-02T03:04:07.000Z' });
    resetChild(shard, 1);
    updateChild(shard, 1, { status: 'Succeeded', exitCode: 0, result: 9 });
    expect(resultLinesOf(shard)[0]).toEqual({ child: 1, status: 'Succeeded', exitCode: 0, result: 9, attempts: [{ kind: 'user', reason: 'The task exited with code 3.' }] });
  });

  it('keeps a child waiting for its rerun, with when, until its status changes', () => {
    const shard = emptyShard(1000, 3);
    updateChild(shard, 1001, { status: 'Active', reason: 'Waiting to be rerun: exit 137' });
    scheduleRerun(shard, 1001, '2026-01-02T03:05:00.000Z');
    scheduleRerun(shard, 1002, '2026-01-02T03:04:00.000Z');
    expect(childShardSchema.safeParse(JSON.parse(JSON.stringify(shard))).success).toBe(true);
    expect(waitingReruns(shard)).toEqual([
      { child: 1001, at: '2026-01-02T03:05:00.000Z' },
      { child: 1002, at: '2026-01-02T03:04:00.000Z' },
    ]);
    expect(waitingReruns(shard).reduce<string | undefined>((first, { at }) => earliest(first, at), undefined)).toBe('2026-01-02T03:04:00.000Z');
    updateChild(shard, 1002, { status: 'Failed', reason: 'aborted' });
    expect([rerunDueAt(shard, 1001), rerunDueAt(shard, 1002)]).toEqual(['2026-01-02T03:05:00.000Z', undefined]);
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

describe("an ended array's results blob (schema/arrayJob.results.json)", () => {
  it('has one line per child, in order, each fitting the published schema', () => {
    const shard = emptyShard(1000, 2);
    updateChild(shard, 1000, { status: 'Succeeded', exitCode: 0, result: [1, 2], startTime: '2026-01-02T03:04:05.000Z', endTime: '2026-01-02T03:04:06.000Z' });
    updateChild(shard, 1001, { status: 'Failed', exitCode: 2, reason: 'The task exited with code 2.' });
    const lines = resultLinesOf(shard);
    expect(lines.map((line) => [line.child, line.status, line.result])).toEqual([
      [1000, 'Succeeded', [1, 2]],
      [1001, 'Failed', null],
    ]);
    for (const line of lines) expect(arrayResultLineSchema.parse(JSON.parse(JSON.stringify(line)))).toEqual(line);
  });
});
