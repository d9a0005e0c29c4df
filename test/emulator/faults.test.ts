import { createAzureClients } from '../../src/azure/clients';
import { DEFAULT_ACCOUNT_KEY, DEFAULT_ACCOUNT_NAME } from '../../src/emulator';
import { addJob, batchError, signedFetch, startHarness, waitFor, waitForTaskState } from './harness';

const V = 'api-version=2022-10-01.16.0';

describe('fault injection by configuration', () => {
  test('an error rate of 1 answers 503 ServerBusy / 500 InternalError / 429 TooManyRequests with Retry-After, in Batch\'s error body', async () => {
    let next = 0;
    const sequence = [0, 0.1, 0, 0.5, 0, 0.9];
    const h = await startHarness({ persistence: 'memory', faults: { errorRate: 1, retryAfterSeconds: 2, random: () => sequence[next++ % sequence.length] } });
    try {
      const answers = [];
      for (let i = 0; i < 3; i++) {
        const response = await signedFetch(`${h.emulator.url}/pools/local?${V}`, 'GET');
        answers.push([response.status, response.json().code, response.headers.get('retry-after')]);
      }
      expect(answers).toEqual([
        [503, 'ServerBusy', null],
        [500, 'InternalError', null],
        [429, 'TooManyRequests', '2'],
      ]);
      expect((await fetch(`${h.emulator.url}/health`)).status).toBe(200);
    } finally {
      await h.close();
    }
  });

  test('throttling reaches the official client as a RestError 429 TooManyRequests; the next request is served', async () => {
    // Per request: one draw decides whether to fail, a second picks the error; so 0.1, 0 fails and 0.9 passes.
    const draws = [0.1, 0, 0.9];
    let calls = 0;
    const h = await startHarness({ persistence: 'memory', faults: { errorRate: 0.5, errorKinds: ['tooManyRequests'], retryAfterSeconds: 1, random: () => draws[calls++ % 3] } });
    try {
      const error = await batchError(h.client.pool.get('local'));
      expect([error.statusCode, error.code]).toEqual([429, 'TooManyRequests']);
      expect((await h.client.pool.get('local')).id).toBe('local');
    } finally {
      await h.close();
    }
  });

  /** The Batch client remote-batch's activities use (its transient retry policy included), pointed at this emulator. */
  const projectBatchClient = (endpoint: string) =>
    createAzureClients({
      name: 'emulator',
      batch: { endpoint, accountName: DEFAULT_ACCOUNT_NAME, accountKey: DEFAULT_ACCOUNT_KEY },
      storage: { connectionString: 'UseDevelopmentStorage=true' },
    } as Parameters<typeof createAzureClients>[0]).batch;

  test("remote-batch's Batch client retries each transient answer (503, 500, 429 after its Retry-After) and gets the real one", async () => {
    // Per request: one draw decides whether to fail (< 0.5), a second picks the error; 0.9 passes.
    const draws = [0.1, 0, 0.9, 0.1, 0.5, 0.9, 0.1, 0.9, 0.9];
    let calls = 0;
    const h = await startHarness({ persistence: 'memory', faults: { errorRate: 0.5, retryAfterSeconds: 1, random: () => draws[calls++ % draws.length] } });
    try {
      const batch = projectBatchClient(h.emulator.url);
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await batch.pool.get('local')).id);
      expect(ids).toEqual(['local', 'local', 'local']);
      expect(calls).toBe(draws.length);
    } finally {
      await h.close();
    }
  });

  test('our Batch client keeps asking through throttling the SDK alone gives up on (429 after 429)', async () => {
    // Four requests throttled in a row (draws 0.1, 0 each), then served.
    const draws = [0.1, 0, 0.1, 0, 0.1, 0, 0.1, 0, 0.9];
    let calls = 0;
    const h = await startHarness({ persistence: 'memory', faults: { errorRate: 0.5, errorKinds: ['tooManyRequests'], retryAfterSeconds: 0, random: () => draws[Math.min(calls++, draws.length - 1)] } });
    try {
      const batch = projectBatchClient(h.emulator.url);
      expect((await batch.pool.get('local')).id).toBe('local');
      expect(calls).toBeGreaterThanOrEqual(draws.length);
    } finally {
      await h.close();
    }
  });

  test('added latency delays every answer', async () => {
    const h = await startHarness({ persistence: 'memory', faults: { latencyMs: 150 } });
    try {
      const started = Date.now();
      await h.client.pool.get('local');
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      await h.close();
    }
  });

  test('losing a node kills its running tasks and requeues them (requeueCount+1); they then run to completion', async () => {
    const h = await startHarness({ persistence: 'memory', pools: [{ id: 'local', nodeCount: 1, taskSlotsPerNode: 2 }] });
    try {
      const jobId = await addJob(h.client);
      await h.client.task.add(jobId, { id: 'victim', commandLine: 'sleep 0.3' });
      const running = await waitForTaskState(h.client, jobId, 'victim', ['running']);
      await h.emulator.loseNode('local', running.nodeInfo!.nodeId);
      const task = await waitForTaskState(h.client, jobId, 'victim');
      expect(task.executionInfo).toMatchObject({ result: 'success', requeueCount: 1, retryCount: 0 });
      const node = await h.client.computeNode.get('local', running.nodeInfo!.nodeId!);
      expect(node.state).toBe('idle');
    } finally {
      await h.close();
    }
  });

  test('periodic node loss (nodeLossEveryMs) requeues long-running tasks', async () => {
    const h = await startHarness({ persistence: 'memory', faults: { nodeLossEveryMs: 150 } });
    try {
      const jobId = await addJob(h.client);
      await h.client.task.add(jobId, { id: 'long', commandLine: 'sleep 30' });
      await waitFor(() => h.client.task.get(jobId, 'long'), (task) => (task.executionInfo?.requeueCount ?? 0) >= 1, 5000, 'a requeue');
    } finally {
      await h.close();
    }
  });
});
