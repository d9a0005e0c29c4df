import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addJob, batchError, sh, startHarness, uniqueId, waitFor, waitForTaskState, type Harness } from './harness';

let h: Harness;
let gates: string;
beforeAll(async () => {
  h = await startHarness({ persistence: 'memory', pools: [{ id: 'local', nodeCount: 2, taskSlotsPerNode: 4 }] });
  gates = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-max-parallel-'));
});
afterAll(async () => {
  await h.close();
  fs.rmSync(gates, { recursive: true, force: true });
});

/** A task that runs until its gate file appears: the test decides when each one ends. */
const gated = (id: string) => ({ id, commandLine: sh(`while [ ! -e ${gates}/${id} ]; do sleep 0.05; done`) });
const release = (...ids: string[]) => ids.forEach((id) => fs.writeFileSync(path.join(gates, id), ''));

async function states(jobId: string): Promise<Record<string, string[]>> {
  const byState: Record<string, string[]> = {};
  for (const task of await h.client.task.list(jobId)) (byState[task.state!] ??= []).push(task.id!);
  return byState;
}

async function runningCount(jobId: string, count: number): Promise<void> {
  await waitFor(async () => (await states(jobId)).running?.length ?? 0, (running) => running === count, { what: `${count} running tasks of ${jobId}` });
}

/**
 * A task of another job on the same pool that runs to its end: once it has,
 * the scheduler has had passes in which the limited job's tasks could have
 * been placed on the free slots.
 */
async function schedulingPass(): Promise<void> {
  const jobId = await addJob(h.client);
  await h.client.task.add(jobId, { id: 'barrier', commandLine: 'true' });
  await waitForTaskState(h.client, jobId, 'barrier');
}

describe("a job's maxParallelTasks, as Batch documents it", () => {
  test('holds the job to that many running tasks; a change on the running job applies from the next placement, and running tasks keep running when it is lowered', async () => {
    const ids = Array.from({ length: 8 }, (_, at) => `t${at + 1}`);
    const jobId = await addJob(h.client, { id: uniqueId('limited'), maxParallelTasks: 2 });
    await h.client.task.addCollection(jobId, ids.map(gated));
    await runningCount(jobId, 2);
    await schedulingPass();
    expect((await states(jobId)).running).toHaveLength(2);

    await h.client.job.patch(jobId, { maxParallelTasks: 5 });
    expect((await h.client.job.get(jobId)).maxParallelTasks).toBe(5);
    await runningCount(jobId, 5);
    await schedulingPass();
    expect((await states(jobId)).running).toHaveLength(5);

    // Lowered below what runs: nothing is stopped or requeued, and nothing new starts until fewer than 1 run.
    await h.client.job.patch(jobId, { maxParallelTasks: 1 });
    const runningWhenLowered = (await states(jobId)).running!;
    await schedulingPass();
    expect((await states(jobId)).running).toEqual(runningWhenLowered);
    release(...runningWhenLowered.slice(0, 4));
    await waitFor(async () => (await states(jobId)).completed?.length ?? 0, (completed) => completed === 4, { what: 'four tasks to complete' });
    await schedulingPass();
    expect((await states(jobId)).running).toEqual(runningWhenLowered.slice(4));
    release(runningWhenLowered[4]);
    await waitFor(async () => await states(jobId), (now) => now.completed?.length === 5 && now.running?.length === 1, { what: 'the fifth task to end and one more to start' });
    await schedulingPass();
    expect((await states(jobId)).running).toHaveLength(1);
    for (const task of await h.client.task.list(jobId)) expect(task.executionInfo?.requeueCount ?? 0).toBe(0);

    // -1 lifts the limit.
    await h.client.job.patch(jobId, { maxParallelTasks: -1 });
    await runningCount(jobId, 3);
    release(...ids);
  });

  test('0 or less than -1 is refused with 400, on add and on patch', async () => {
    const added = await batchError(h.client.job.add({ id: uniqueId('zero'), poolInfo: { poolId: 'local' }, maxParallelTasks: 0 }));
    expect(added.statusCode).toBe(400);
    const jobId = await addJob(h.client);
    const patched = await batchError(h.client.job.patch(jobId, { maxParallelTasks: -2 }));
    expect(patched.statusCode).toBe(400);
    expect((await h.client.job.get(jobId)).maxParallelTasks).toBe(-1);
  });
});
