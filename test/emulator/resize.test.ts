import { batchError, detail, signedFetch, startHarness, uniqueId, waitFor, waitForPoolSteady, type Harness } from './harness';

/**
 * A resize takes time, as on Batch: the pool is `resizing` while its new nodes are created,
 * start (half way) and become idle (at the end). States a test must catch are caught on an
 * emulator whose resizes last an hour unless ended through the admin route; the timed
 * progression is watched with windows of 1.5 s.
 */
describe('resizing takes time', () => {
  let h: Harness;
  let slow: Harness;
  beforeAll(async () => {
    h = await startHarness({ persistence: 'memory', resizeDurationMs: 3_000, pools: [{ id: 'ready', nodeCount: 2, taskSlotsPerNode: 1 }] });
    slow = await startHarness({ persistence: 'memory', resizeDurationMs: 60 * 60_000, pools: [] });
  });
  afterAll(async () => {
    await h.close();
    await slow.close();
  });

  test('configured pools are ready at start, whatever the resize duration', async () => {
    const pool = await h.client.pool.get('ready');
    expect([pool.allocationState, pool.currentDedicatedNodes]).toEqual(['steady', 2]);
    expect((await h.client.computeNode.list('ready')).map((node) => node.state)).toEqual(['idle', 'idle']);
  });

  test('a new pool is resizing while its nodes go creating → starting → idle, then steady', async () => {
    const fresh = uniqueId('pool');
    await slow.client.pool.add({ id: fresh, vmSize: 'standard_d2s_v3', targetDedicatedNodes: 2 });
    const resizing = await slow.client.pool.get(fresh);
    expect(resizing.allocationState).toBe('resizing');
    expect(resizing.currentNodeCommunicationMode).toBeUndefined();
    const creating = await slow.client.computeNode.list(fresh);
    expect(creating.map((node) => node.state)).toEqual(['creating', 'creating']);
    expect(creating[0].lastBootTime).toBeUndefined();
    expect(creating[0].nodeAgentInfo).toBeUndefined();

    const id = uniqueId('pool');
    await h.client.pool.add({ id, vmSize: 'standard_d2s_v3', targetDedicatedNodes: 2 });
    await waitFor(() => h.client.computeNode.list(id), (nodes) => nodes.every((node) => node.state === 'starting'), 10_000, 'nodes starting');
    const steady = await waitForPoolSteady(h.client, id);
    expect(steady.currentDedicatedNodes).toBe(2);
    const idle = await h.client.computeNode.list(id);
    expect(idle.map((node) => node.state)).toEqual(['idle', 'idle']);
    expect(idle[0].lastBootTime).toBeDefined();
    const counts = await h.client.account.listPoolNodeCounts({ accountListPoolNodeCountsOptions: { filter: `poolId eq '${id}'` } });
    expect(counts[0].dedicated).toMatchObject({ idle: 2, creating: 0, starting: 0, total: 2 });
  });

  test('a task waits for the nodes to be idle, then runs', async () => {
    const id = uniqueId('pool');
    await slow.client.pool.add({ id, vmSize: 'standard_d2s_v3', targetDedicatedNodes: 1 });
    const jobId = uniqueId('job');
    await slow.client.job.add({ id: jobId, poolInfo: { poolId: id } });
    await slow.client.task.add(jobId, { id: 't', commandLine: '/bin/true' });
    expect((await slow.client.task.get(jobId, 't')).state).toBe('active');
    slow.emulator.completeResize(id);
    const task = await waitFor(() => slow.client.task.get(jobId, 't'), (t) => t.state === 'completed', 10_000, 'task completed');
    expect(task.executionInfo?.exitCode).toBe(0);
  });

  test('a resize is refused with 409 PoolBeingResized while one is under way', async () => {
    const id = uniqueId('pool');
    await slow.client.pool.add({ id, vmSize: 'standard_d2s_v3', targetDedicatedNodes: 1 });
    const error = await batchError(slow.client.pool.resize(id, { targetDedicatedNodes: 3 }));
    expect([error.statusCode, error.code]).toEqual([409, 'PoolBeingResized']);
  });

  test('stop resize: nodes not yet booting are given up, and the pool is steady with resizeErrors ResizeStopped', async () => {
    const id = uniqueId('pool');
    await slow.client.pool.add({ id, vmSize: 'standard_d2s_v3', targetDedicatedNodes: 3 });
    expect((await slow.client.computeNode.list(id)).map((node) => node.state)).toEqual(['creating', 'creating', 'creating']);
    await slow.client.pool.stopResize(id);
    const pool = await slow.client.pool.get(id);
    expect([pool.allocationState, pool.currentDedicatedNodes, pool.targetDedicatedNodes]).toEqual(['steady', 0, 3]);
    expect(pool.resizeErrors?.map((error) => error.code)).toEqual(['ResizeStopped']);
    expect(await slow.client.computeNode.list(id)).toHaveLength(0);
  });

  test('stop resize keeps the nodes already starting; they still become idle', async () => {
    const id = uniqueId('pool');
    await h.client.pool.add({ id, vmSize: 'standard_d2s_v3', targetDedicatedNodes: 2 });
    await waitFor(() => h.client.computeNode.list(id), (nodes) => nodes.length === 2 && nodes.every((node) => node.state === 'starting'), 10_000, 'nodes starting');
    await h.client.pool.stopResize(id);
    const stopped = await h.client.pool.get(id);
    expect([stopped.allocationState, stopped.currentDedicatedNodes, stopped.resizeErrors?.[0].code]).toEqual(['steady', 2, 'ResizeStopped']);
    await waitFor(() => h.client.computeNode.list(id), (nodes) => nodes.every((node) => node.state === 'idle'), 10_000, 'nodes idle');
  });

  test('a stop on a steady pool changes nothing; a later resize that completes clears ResizeStopped', async () => {
    const id = uniqueId('pool');
    await slow.client.pool.add({ id, vmSize: 'standard_d2s_v3', targetDedicatedNodes: 1 });
    await slow.client.pool.stopResize(id);
    await slow.client.pool.stopResize(id);
    expect((await slow.client.pool.get(id)).resizeErrors?.map((error) => error.code)).toEqual(['ResizeStopped']);
    await slow.client.pool.resize(id, { targetDedicatedNodes: 1 });
    slow.emulator.completeResize(id);
    const resized = await slow.client.pool.get(id);
    expect([resized.allocationState, resized.currentDedicatedNodes, resized.resizeErrors]).toEqual(['steady', 1, undefined]);
  });

  test('the admin route completeresize ends a resize at once', async () => {
    const id = uniqueId('pool');
    await slow.client.pool.add({ id, vmSize: 'standard_d2s_v3', targetDedicatedNodes: 2 });
    expect((await slow.client.pool.get(id)).allocationState).toBe('resizing');
    const answer = await signedFetch(`${slow.emulator.url}/emulator/pools/${id}/completeresize`, 'POST');
    expect([answer.status, answer.json()]).toEqual([200, { poolId: id, allocationState: 'steady' }]);
    expect((await slow.client.computeNode.list(id)).map((node) => node.state)).toEqual(['idle', 'idle']);
  });
});

describe('remove nodes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ persistence: 'memory', resizeDurationMs: 0, pools: [] });
  });
  afterAll(() => h.close());

  async function poolWithTasks(nodes: number, commandLine: string): Promise<{ poolId: string; jobId: string }> {
    const poolId = uniqueId('pool');
    await h.client.pool.add({ id: poolId, vmSize: 'standard_d2s_v3', targetDedicatedNodes: nodes, taskSlotsPerNode: 1 });
    await waitForPoolSteady(h.client, poolId);
    const jobId = uniqueId('job');
    await h.client.job.add({ id: jobId, poolInfo: { poolId } });
    await h.client.task.addCollection(
      jobId,
      Array.from({ length: nodes }, (_, i) => ({ id: `t${i}`, commandLine })),
    );
    await waitFor(() => h.client.task.list(jobId), (tasks) => tasks.every((task) => task.state === 'running'), 10_000, 'tasks running');
    return { poolId, jobId };
  }

  test('the named nodes leave, the target drops by them, and their running tasks are requeued (default)', async () => {
    const { poolId, jobId } = await poolWithTasks(3, 'sleep 30');
    const [first, second] = await h.client.computeNode.list(poolId);
    const answer = await h.client.pool.removeNodes(poolId, { nodeList: [first.id!, second.id!] });
    expect(answer._response.headers.get('dataserviceid')).toMatch(new RegExp(`/pools/${poolId}/removenodes$`));
    const pool = await waitForPoolSteady(h.client, poolId);
    expect([pool.targetDedicatedNodes, pool.currentDedicatedNodes]).toEqual([1, 1]);
    expect((await h.client.computeNode.list(poolId)).map((node) => node.id)).not.toContain(first.id);
    const tasks = await h.client.task.list(jobId);
    expect(tasks.filter((task) => task.executionInfo?.requeueCount === 1)).toHaveLength(2);
    await h.client.job.terminate(jobId);
  });

  test('terminate ends the running tasks of removed nodes instead', async () => {
    const { poolId, jobId } = await poolWithTasks(1, 'sleep 30');
    const [node] = await h.client.computeNode.list(poolId);
    await h.client.pool.removeNodes(poolId, { nodeList: [node.id!], nodeDeallocationOption: 'terminate' });
    await waitForPoolSteady(h.client, poolId);
    const [task] = await h.client.task.list(jobId);
    expect([task.state, task.executionInfo?.failureInfo?.code]).toEqual(['completed', 'TaskEnded']);
  });

  test('taskcompletion lets running tasks finish first: the pool is resizing and the node leaving until then', async () => {
    const { poolId, jobId } = await poolWithTasks(1, '/bin/sh -c "sleep 3"');
    const [node] = await h.client.computeNode.list(poolId);
    await h.client.pool.removeNodes(poolId, { nodeList: [node.id!], nodeDeallocationOption: 'taskcompletion' });
    const leaving = await h.client.pool.get(poolId);
    expect(leaving.allocationState).toBe('resizing');
    expect((await h.client.computeNode.get(poolId, node.id!)).state).toBe('leavingpool');
    await waitForPoolSteady(h.client, poolId);
    const [task] = await h.client.task.list(jobId);
    expect([task.state, task.executionInfo?.exitCode, task.executionInfo?.requeueCount]).toEqual(['completed', 0, 0]);
    expect((await h.client.pool.get(poolId)).currentDedicatedNodes).toBe(0);
  });

  test('refused: on a pool that is resizing (409 PoolBeingResized), for a node the pool does not have, for more than 100 nodes, a resize timeout under 5 minutes', async () => {
    const slow = await startHarness({ persistence: 'memory', resizeDurationMs: 60 * 60_000, pools: [] });
    try {
      await slow.client.pool.add({ id: 'growing', vmSize: 'standard_d2s_v3', targetDedicatedNodes: 1 });
      const [node] = await slow.client.computeNode.list('growing');
      expect((await batchError(slow.client.pool.removeNodes('growing', { nodeList: [node.id!] }))).code).toBe('PoolBeingResized');
    } finally {
      await slow.close();
    }
    const poolId = uniqueId('pool');
    await h.client.pool.add({ id: poolId, vmSize: 'standard_d2s_v3', targetDedicatedNodes: 1 });
    await waitForPoolSteady(h.client, poolId);
    const unknown = await batchError(h.client.pool.removeNodes(poolId, { nodeList: ['tvmps_nope_d'] }));
    expect([unknown.statusCode, unknown.code]).toEqual([400, 'InvalidPropertyValue']);
    // The client itself refuses more than 100, so this one goes raw.
    const body = JSON.stringify({ nodeList: Array.from({ length: 101 }, (_, i) => `n${i}`) });
    const tooMany = await signedFetch(`${h.emulator.url}/pools/${poolId}/removenodes?api-version=2022-10-01.16.0`, 'POST', { body });
    expect([tooMany.status, tooMany.json().code]).toEqual([400, 'InvalidPropertyValue']);
    const [node] = await h.client.computeNode.list(poolId);
    const short = await batchError(h.client.pool.removeNodes(poolId, { nodeList: [node.id!], resizeTimeout: 'PT1M' }));
    expect([short.code, detail(short, 'PropertyName')]).toEqual(['InvalidPropertyValue', 'resizeTimeout']);
    expect((await h.client.pool.get(poolId)).currentDedicatedNodes).toBe(1);
  });
});
