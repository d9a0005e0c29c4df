import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ArrayJob, mapSubmit } from '../../src/client';
import { InvalidSettingError } from '../../src/model/errors';
import { stackEnvironments } from './support/environments';

const fixture = (name: string) => path.join(__dirname, 'fixtures', name);

async function waitForArray(array: ArrayJob, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await array.get('JobStatus')) !== 'Completed') {
    if (Date.now() > deadline) throw new Error(`array ${array.jobId} not Completed after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function waitForChild(array: ArrayJob, child: number, statuses: string[]): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (statuses.includes(String(await array.child(child).get('JobStatus')))) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`child ${child} never reached ${statuses.join('/')}`);
}

describe('array jobs on the local stack', () => {
  const { local: env } = stackEnvironments();

  it('maps a script over elements with mixed outcomes, giving exit codes, reasons and results in order', async () => {
    const array = await mapSubmit(env, { script: fixture('square.ts') }, [1, 2, -3, 4], { retryWindowInSeconds: 1 });
    expect(await array.get('JobStatus')).toBe('Active');
    await waitForArray(array);
    expect(await array.get('ChildJobCount')).toBe(4);
    expect(await array.get('ProviderFirstTaskID')).toBe('10000001');
    expect(await array.get('ChildJobStatuses')).toEqual(['Succeeded', 'Succeeded', 'Failed', 'Succeeded']);
    expect(await array.get('ChildJobExitCodes')).toEqual([0, 0, 1, 0]);
    expect(await array.get('ChildJobEvaluationResults')).toEqual([1, 4, null, 16]);
    const reasons = (await array.get('ChildJobStatusReasons')) as (string | undefined)[];
    expect(reasons[2]).toContain('cannot square a negative number: -3');
    expect(await array.get('ChildJobCounts')).toEqual({ active: 0, running: 0, succeeded: 3, failed: 1 });

    const third = array.child(3);
    expect(await third.get('JobType')).toBe('ArrayChild');
    expect(await third.get('ProviderTaskID')).toBe('10000003');
    expect(await third.get('ProviderJobID')).toBe(array.jobId);
    expect(await third.get('JobStandardErrorLog')).toContain('cannot square a negative number');
    expect(await array.child(2).get('JobLog')).toContain('squaring 2');
    expect(await array.child(4).get('EvaluationResult')).toBe(16);
  });

  it('gives a command child its element as a file and its index in a variable, and keeps its outputs', async () => {
    const array = await mapSubmit(
      env,
      { command: '/bin/sh -c "mkdir -p JobOutput && cp $REMOTE_BATCH_ELEMENT_FILE JobOutput/seen.json && echo child=$REMOTE_BATCH_CHILD_INDEX && cat $REMOTE_BATCH_ELEMENT_FILE"' },
      [{ name: 'a' }, { name: 'b' }],
    );
    await waitForArray(array);
    expect(await array.child(2).get('JobLog')).toBe('child=2\n{"name":"b"}');
    expect(await array.get('ChildJobStatuses')).toEqual(['Succeeded', 'Succeeded']);
  });

  it("gathers the result.json command children write as their EvaluationResults", async () => {
    const array = await mapSubmit(env, { command: '/bin/sh -c "[ $REMOTE_BATCH_CHILD_INDEX = 1 ] || echo [$REMOTE_BATCH_CHILD_INDEX] > result.json"' }, ['a', 'b', 'c']);
    await waitForArray(array);
    expect(await array.get('ChildJobEvaluationResults')).toEqual([null, [2], [3]]);
    expect(await array.child(3).get('EvaluationResult')).toEqual([3]);
  });

  it('hands a large element (beyond the inline limit) to its child through a blob, byte for byte', async () => {
    const large = { text: 'x'.repeat(20_000) };
    const array = await mapSubmit(env, { command: '/bin/sh -c "wc -c < $REMOTE_BATCH_ELEMENT_FILE"' }, [large, 'small']);
    await waitForArray(array);
    expect(String(await array.child(1).get('JobLog')).trim()).toBe(String(JSON.stringify(large).length));
    expect(String(await array.child(2).get('JobLog')).trim()).toBe(String(JSON.stringify('small').length));
  });

  it('packs elements into spans: each child maps its span', async () => {
    const array = await mapSubmit(env, { script: fixture('square.ts') }, [1, 2, 3, 4, 5], { spanSize: 2 });
    await waitForArray(array);
    expect(await array.get('ChildJobCount')).toBe(3);
    expect(await array.get('ChildJobEvaluationResults')).toEqual([[1, 4], [9, 16], [25]]);
  });

  it('reruns only the failed children with retryFailed, keeping every succeeded result', async () => {
    const marker = path.join(os.tmpdir(), `rb-retry-${process.pid}-${Date.now()}`);
    // Fails until the marker file exists: the retry succeeds once the test creates it.
    const array = await mapSubmit(
      env,
      { command: `/bin/sh -c "if [ $REMOTE_BATCH_CHILD_INDEX = 2 ] && [ ! -e ${marker} ]; then exit 7; fi; echo ok-$REMOTE_BATCH_CHILD_INDEX"` },
      [1, 2, 3],
      { retryWindowInSeconds: 120 },
    );
    await waitForArray(array);
    expect(await array.get('ChildJobExitCodes')).toEqual([0, 7, 0]);
    const firstStart = await array.child(1).get('JobStartTime');
    fs.writeFileSync(marker, '');
    try {
      expect(await array.retryFailed()).toBe(1);
      await waitForArray(array);
      expect(await array.get('ChildJobExitCodes')).toEqual([0, 0, 0]);
      expect(await array.child(1).get('JobStartTime')).toEqual(firstStart);
      expect(await array.child(2).get('JobLog')).toContain('ok-2');
    } finally {
      fs.rmSync(marker, { force: true });
    }
  });

  it('aborts one child: it ends Failed with the reason while the others finish', async () => {
    const array = await mapSubmit(env, { command: '/bin/sh -c "sleep $(( REMOTE_BATCH_CHILD_INDEX == 1 ? 30 : 0 ))"' }, [1, 2], {
      retryWindowInSeconds: 1,
    });
    await waitForChild(array, 1, ['Running']);
    await array.child(1).abort('this one is stuck');
    await waitForArray(array);
    expect(await array.get('ChildJobStatuses')).toEqual(['Failed', 'Succeeded']);
    expect(await array.child(1).get('JobStatusReason')).toMatch(/remote-batch client: this one is stuck/);
  });

  it('aborts the whole array: every unfinished child ends Failed with the reason', async () => {
    const array = await mapSubmit(env, { command: '/bin/sh -c "sleep 30"' }, Array.from({ length: 12 }, (_, i) => i));
    await waitForChild(array, 1, ['Running']);
    expect(await array.abort('whole array cancelled')).toBe(true);
    await waitForArray(array, 60_000);
    const statuses = (await array.get('ChildJobStatuses')) as string[];
    expect(new Set(statuses)).toEqual(new Set(['Failed']));
    const reasons = (await array.get('ChildJobStatusReasons')) as string[];
    expect(reasons.every((reason) => reason.includes('whole array cancelled'))).toBe(true);
    expect(await array.get('JobStatusReason')).toContain('whole array cancelled');
    await expect(array.retryFailed()).rejects.toThrow(/was aborted/);
  });

  it('a child aborted alone keeps its own reason when the whole array is aborted next', async () => {
    const array = await mapSubmit(env, { command: '/bin/sh -c "sleep 30"' }, [1, 2, 3]);
    await waitForChild(array, 1, ['Running']);
    await array.child(2).abort('child two not needed');
    expect(await array.abort('budget cut')).toBe(true);
    await waitForArray(array, 60_000);
    const reasons = (await array.get('ChildJobStatusReasons')) as string[];
    expect(reasons[1]).toMatch(/remote-batch client: child two not needed/);
    expect([reasons[0], reasons[2]].every((reason) => reason.includes('budget cut'))).toBe(true);
  });

  it('refuses bad input before anything is created', async () => {
    await expect(mapSubmit(env, { command: 'true' }, [])).rejects.toThrow(/non-empty array/);
    await expect(mapSubmit(env, { command: 'true' }, [1, () => 2])).rejects.toThrow(/items\[1\] is a function/);
    await expect(mapSubmit(env, { command: 'true' }, [1], { spanSize: 0 })).rejects.toThrow(InvalidSettingError);
    await expect(mapSubmit(env, { command: 'true' }, [1], { spanSize: 1.5 })).rejects.toThrow(/spanSize/);
    await expect(mapSubmit(env, { command: 'true' }, new Array(100_001).fill(0))).rejects.toThrow(/at most 100,000/);
    await expect(mapSubmit(env, { command: 'true' }, new Array(1_000_001).fill(0), { spanSize: 20 })).rejects.toThrow(/at most 1,000,000 elements/);
  });
});

describe('an array job across continue-as-new', () => {
  const { local: env } = stackEnvironments();

  it('gives the same answers when it spans several workflow runs as when it runs in one', async () => {
    const items = Array.from({ length: 40 }, (_, i) => (i % 9 === 4 ? -i : i));
    // Five waves of a second or more on the stack's 8 slots: several loop turns, so `long` continues as new.
    const body = { command: '/bin/sh -c "sleep 1.$(( REMOTE_BATCH_CHILD_INDEX % 5 )); exit $(( REMOTE_BATCH_CHILD_INDEX % 9 == 5 ? 3 : 0 ))"' };
    const [short, long] = await Promise.all([
      mapSubmit(env, body, items, { retryWindowInSeconds: 0 }),
      mapSubmit(env, body, items, { retryWindowInSeconds: 0, turnsPerRun: 1 }),
    ]);
    await waitForArray(short);
    await waitForArray(long);
    for (const property of ['ChildJobStatuses', 'ChildJobExitCodes', 'ChildJobStatusReasons', 'ChildJobCounts'] as const) {
      expect(await long.get(property)).toEqual(await short.get(property));
    }
    const client = await env.client();
    const description = await client.workflow.getHandle(long.jobId).describe();
    const firstRunId = description.raw.workflowExecutionInfo?.firstRunId;
    expect(firstRunId).toBeTruthy();
    expect(description.runId).not.toBe(firstRunId);
  });
});
