import { BatchGateway, packCollections } from '../../src/azure/batchGateway';
import { createAzureClients } from '../../src/azure/clients';
import { azureErrorFacts } from '../../src/azure/errors';
import { DEFAULT_ACCOUNT_KEY, DEFAULT_ACCOUNT_NAME } from '../../src/emulator';
import { addJob, sh, startHarness, uniqueId, waitFor, type Harness } from './harness';

/** The gateway as the worker builds it (its pipeline, its credentials), against the emulator. */
function gatewayFor(h: Harness): BatchGateway {
  const clients = createAzureClients({
    batch: { endpoint: h.emulator.url, accountName: DEFAULT_ACCOUNT_NAME, accountKey: DEFAULT_ACCOUNT_KEY },
    storage: { connectionString: 'UseDevelopmentStorage=true' },
  });
  return new BatchGateway(clients.batch, 'test');
}

const task = (id: number, extra: object = {}) => ({ id: String(id), commandLine: sh('exit 0'), ...extra });

async function failureOf(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    return azureErrorFacts(error);
  }
  throw new Error('expected the call to fail');
}

describe('the Batch gateway’s task collections and listings', () => {
  let h: Harness;
  let gateway: BatchGateway;
  beforeAll(async () => {
    h = await startHarness({ persistence: 'memory', pools: [{ id: 'idle', nodeCount: 0, taskSlotsPerNode: 1 }, { id: 'local', nodeCount: 1, taskSlotsPerNode: 4 }] });
    gateway = gatewayFor(h);
  });
  afterAll(() => h.close());

  test('adds tasks by collections (those already there count as added) and lists every one, page after page', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    const tasks = Array.from({ length: 1050 }, (_, i) => task(10000001 + i));
    for (const collection of packCollections(tasks)) await gateway.addTasks(jobId, collection);
    await gateway.addTasks(jobId, tasks.slice(0, 100));

    const listed = await gateway.listTasks(jobId);
    expect(listed).toHaveLength(1050);
    expect(new Set(listed.map((listedTask) => listedTask.id))).toEqual(new Set(tasks.map(({ id }) => id)));
    expect(listed.every((listedTask) => listedTask.state === 'active' && !Number.isNaN(Date.parse(listedTask.stateTransitionTime!)))).toBe(true);
    const latest = listed.map((listedTask) => listedTask.stateTransitionTime!).sort().at(-1)!;
    expect(await gateway.listTasks(jobId, { changedSince: new Date(Date.parse(latest) + 1000).toISOString() })).toEqual([]);
    expect((await gateway.listTasks(jobId, { changedSince: latest })).length).toBeGreaterThan(0);
  });

  test('a collection larger than Batch takes is halved until it fits, and every task is added', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    const padding = 'x'.repeat(12_000);
    const tasks = Array.from({ length: 100 }, (_, i) => task(10000001 + i, { environmentSettings: [{ name: 'PADDING', value: padding }] }));
    await gateway.addTasks(jobId, tasks);
    expect(await gateway.listTasks(jobId)).toHaveLength(100);
  });

  test('a completed task lists with its exit code, result and times', async () => {
    const jobId = await addJob(h.client);
    await gateway.addTasks(jobId, [task(10000001, { commandLine: sh('exit 3') }), task(10000002)]);
    const listed = await waitFor(() => gateway.listTasks(jobId), (all) => all.length === 2 && all.every((listedTask) => listedTask.state === 'completed'), 30_000, 'both tasks to complete');
    const byId = Object.fromEntries(listed.map((listedTask) => [listedTask.id, listedTask]));
    expect([byId['10000001']!.exitCode, byId['10000001']!.result]).toEqual([3, 'failure']);
    expect([byId['10000002']!.exitCode, byId['10000002']!.result]).toEqual([0, 'success']);
    expect(Date.parse(byId['10000002']!.endTime!)).toBeGreaterThanOrEqual(Date.parse(byId['10000002']!.startTime!));
  });

  test('Batch’s refusals keep their code and status', async () => {
    const missing = uniqueId('missing');
    expect(await failureOf(gateway.addTasks(missing, [task(10000001)]))).toMatchObject({ code: 'JobNotFound', statusCode: 404 });
    expect(await failureOf(gateway.listTasks(missing))).toMatchObject({ code: 'JobNotFound', statusCode: 404 });
  });
});
