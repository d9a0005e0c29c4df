import fs from 'node:fs';
import path from 'node:path';
import { readWorkerActivityCounts, type WorkerActivityCounts } from '../../src/telemetry/activityCounts';
import { azureSdk } from '../support/azureSdk';
import { type ArrayJob, type BatchEnvironment, batchEnvironment, listJobs, mapSubmit } from '../../src/client';
import type { LocalStack } from '../../src/stack/localStack';
import { isAlive } from '../e2e/support/processes';
import { waitFor } from '../support/waitFor';
import { startProductionStack } from './support/productionStack';

const minutes = (count: number) => count * 60_000;

/** Each child computes from its element and its own index, so a result from the wrong element or in the wrong place shows. */
const computeCommand = (sleepSeconds = 0) =>
  `/bin/sh -c "${sleepSeconds ? `sleep ${sleepSeconds}; ` : ''}echo $(( $(cat $REMOTE_BATCH_ELEMENT_FILE) * 7 + $REMOTE_BATCH_CHILD_INDEX )) > result.json"`;
const elementsOf = (count: number) => Array.from({ length: count }, (_, i) => 1000 + 3 * i);
const expectedResults = (elements: number[]) => elements.map((element, i) => element * 7 + (i + 1));

function killProcessGroup(pidFile: string): number {
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  process.kill(-pid, 'SIGKILL');
  return pid;
}

async function waitForCompleted(array: ArrayJob, timeoutMs: number): Promise<void> {
  await waitFor(() => array.get('JobStatus'), (status) => status === 'Completed', timeoutMs, `array ${array.jobId} to complete`, 500);
}

async function waitForFirstSuccesses(array: ArrayJob): Promise<void> {
  const counts = async () => (await array.get('ChildJobCounts')) as { succeeded: number };
  await waitFor(counts, ({ succeeded }) => succeeded > 0, minutes(2), 'the first children to succeed', 200);
}

/** Every child succeeded with exactly its own answer. */
async function expectEveryAnswer(array: ArrayJob, elements: number[]): Promise<void> {
  expect(await array.get('ChildJobCount')).toBe(elements.length);
  const statuses = (await array.get('ChildJobStatuses')) as string[];
  expect(statuses.filter((status) => status !== 'Succeeded')).toEqual([]);
  expect(await array.get('ChildJobEvaluationResults')).toEqual(expectedResults(elements));
}

describe('production topology: the real Temporal server on PostgreSQL, three workers', () => {
  let stack: LocalStack;
  let env: BatchEnvironment;
  const batch = () => azureSdk('local').batch;
  const workerCounts = (): WorkerActivityCounts[] =>
    stack.workers.map((worker) => readWorkerActivityCounts(worker.countsFile) ?? { ...emptyCounts, identity: worker.identity });

  beforeAll(async () => {
    stack = await startProductionStack('topology', { pools: 'prod:4:4', workers: 3 });
    env = batchEnvironment({ poolId: 'prod', connection: 'local', temporal: { address: stack.temporalAddress } });
  }, minutes(5));

  afterAll(async () => {
    await env?.close();
    await stack?.stop();
  });

  it('runs a 2,000-child array on three workers and carries it on when the worker running it is SIGKILLed mid-run, in one Azure job', async () => {
    const elements = elementsOf(2000);
    // A quarter second per child keeps the array running for about half a minute on the pool's 16 slots,
    // so the kill lands mid-run however fast the rest of the path has become.
    const array = await mapSubmit(env, { command: computeCommand(0.25) }, elements);

    // Nothing else runs here but the reconciler's brief periodic scan, and the array's watcher polls for
    // seconds at a time, so the worker with an activity in flight while children run is carrying this array.
    await waitForFirstSuccesses(array);
    const busy = await waitFor(async () => workerCounts(), (counts) => counts.some((count) => count.running > 0), minutes(1), 'a worker with an activity in flight', 50);
    const victim = busy.findIndex((count) => count.running > 0);
    expect(await array.get('JobStatus')).toBe('Active');
    const killedPid = killProcessGroup(stack.workers[victim].pidFile);
    await waitFor(async () => isAlive(killedPid), (alive) => !alive, 10_000, `worker ${killedPid} to die`);
    const atKill = workerCounts();

    await waitForCompleted(array, minutes(5));
    await expectEveryAnswer(array, elements);

    const jobs = await batch().job.list();
    expect(jobs.map((job) => job.id)).toEqual([array.jobId]);
    const { taskCounts } = await batch().job.getTaskCounts(array.jobId);
    expect(taskCounts).toMatchObject({ active: 0, running: 0, completed: 2000, succeeded: 2000, failed: 0 });

    const after = workerCounts();
    expect(after[victim]).toMatchObject({ pid: killedPid, finished: atKill[victim].finished });
    // The survivors carried the array on, the victim's lost activity included.
    const survivors = after.filter((_, i) => i !== victim);
    expect(survivors.reduce((sum, count) => sum + count.finished, 0)).toBeGreaterThan(
      atKill.filter((_, i) => i !== victim).reduce((sum, count) => sum + count.finished, 0),
    );
    process.stderr.write(`[production] activities per worker: ${after.map((count) => `${count.identity}: ${count.finished}`).join(', ')}\n`);
  }, minutes(8));

  it('finishes an array correctly when the Temporal server process is killed and restarted mid-job', async () => {
    const elements = elementsOf(300);
    const array = await mapSubmit(env, { command: computeCommand(0.5) }, elements);
    await waitForFirstSuccesses(array);
    expect(await array.get('JobStatus')).toBe('Active');

    const serverPid = killProcessGroup(path.join(stack.logsDir, 'temporal.pid'));
    await waitFor(async () => isAlive(serverPid), (alive) => !alive, 10_000, 'the Temporal server to die');
    await stack.restartTemporal();

    await waitForCompleted(array, minutes(4));
    await expectEveryAnswer(array, elements);
    const jobs = await batch().job.list();
    expect(jobs.filter((job) => job.id === array.jobId)).toHaveLength(1);
    expect((await batch().job.getTaskCounts(array.jobId)).taskCounts).toMatchObject({ completed: 300, succeeded: 300 });

    // SQL visibility with the project's search attributes: what listJobs (and the UI's search box) query.
    const listed = async () => {
      const ids: string[] = [];
      for await (const job of listJobs(env, { type: 'Array', status: 'Completed' })) ids.push(job.jobId);
      return ids;
    };
    await waitFor(listed, (ids) => ids.includes(array.jobId), 30_000, 'the array in the visibility store', 250);
  }, minutes(6));
});

const emptyCounts: WorkerActivityCounts = { identity: '', pid: 0, started: 0, finished: 0, running: 0, finishedByType: {}, updatedAt: '' };
