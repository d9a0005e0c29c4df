import { addJob, batchError, schedulingBarrier, startHarness, streamToString, uniqueId, waitFor, waitForPoolSteady, waitForTaskState, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ persistence: 'memory' });
});
afterAll(() => h.close());

describe('pools and compute nodes', () => {
  test('the configured pool exists with its nodes, slots and Batch\'s defaults', async () => {
    const pool = await h.client.pool.get('local');
    expect(pool).toMatchObject({ id: 'local', state: 'active', allocationState: 'steady', currentDedicatedNodes: 2, targetDedicatedNodes: 2, taskSlotsPerNode: 4, enableAutoScale: false, taskSchedulingPolicy: { nodeFillType: 'spread' } });
    expect((await h.client.pool.exists('local')).body).toBe(true);
    expect((await h.client.pool.exists('nope')).body).toBe(false);
    expect((await batchError(h.client.pool.get('nope'))).code).toBe('PoolNotFound');
  });

  test('pool add creates nodes that are idle once the pool is steady; adding it again fails with 409 PoolExists; it is listed and filterable', async () => {
    const id = uniqueId('pool');
    await h.client.pool.add({ id, vmSize: 'standard_d4s_v3', targetDedicatedNodes: 3, taskSlotsPerNode: 2, metadata: [{ name: 'team', value: 'x' }] });
    expect((await batchError(h.client.pool.add({ id, vmSize: 'standard_d4s_v3' }))).code).toBe('PoolExists');
    await waitForPoolSteady(h.client, id);
    const nodes = await h.client.computeNode.list(id);
    expect(nodes).toHaveLength(3);
    expect(nodes.every((node) => node.state === 'idle' && node.schedulingState === 'enabled' && node.vmSize === 'standard_d4s_v3')).toBe(true);
    expect(new Set(nodes.map((node) => node.id)).size).toBe(3);
    expect(nodes[0].id).toMatch(/^tvmps_[0-9a-f]+_d$/);
    const listed = await h.client.pool.list({ poolListOptions: { filter: `id eq '${id}'` } });
    expect(listed.map((pool) => [pool.id, pool.currentDedicatedNodes, pool.metadata])).toEqual([[id, 3, [{ name: 'team', value: 'x' }]]]);
  });

  test('pool patch replaces the given properties; update properties replaces them all', async () => {
    const id = uniqueId('pool');
    await h.client.pool.add({ id, vmSize: 'small', metadata: [{ name: 'a', value: '1' }] });
    await h.client.pool.patch(id, { metadata: [{ name: 'b', value: '2' }] });
    expect((await h.client.pool.get(id)).metadata).toEqual([{ name: 'b', value: '2' }]);
    await h.client.pool.updateProperties(id, { certificateReferences: [], applicationPackageReferences: [], metadata: [] });
    expect((await h.client.pool.get(id)).metadata).toEqual([]);
  });

  test('resizing a pool adds nodes, and shrinking it requeues the tasks of removed nodes', async () => {
    const id = uniqueId('pool');
    await h.client.pool.add({ id, vmSize: 'small', targetDedicatedNodes: 1, taskSlotsPerNode: 1 });
    await waitForPoolSteady(h.client, id);
    await h.client.pool.resize(id, { targetDedicatedNodes: 2 });
    await waitFor(() => h.client.pool.get(id), (pool) => pool.currentDedicatedNodes === 2 && pool.allocationState === 'steady');
    const jobId = await addJob(h.client, { poolInfo: { poolId: id } });
    await h.client.task.addCollection(jobId, [
      { id: 'a', commandLine: 'sleep 30' },
      { id: 'b', commandLine: 'sleep 30' },
    ]);
    await waitForTaskState(h.client, jobId, 'a', ['running']);
    await waitForTaskState(h.client, jobId, 'b', ['running']);
    await h.client.pool.resize(id, { targetDedicatedNodes: 1, nodeDeallocationOption: 'requeue' });
    await waitFor(() => h.client.pool.get(id), (pool) => pool.currentDedicatedNodes === 1 && pool.allocationState === 'steady');
    const tasks = await h.client.task.list(jobId);
    expect(tasks.map((task) => task.executionInfo?.requeueCount).sort()).toEqual([0, 1]);
    expect(tasks.map((task) => task.state).sort()).toEqual(['active', 'running']);
    await h.client.job.terminate(jobId);
  });

  test('compute node get reports running tasks and slots; node files show the task directories', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 'busy', commandLine: 'sleep 30', requiredSlots: 3 });
    const task = await waitForTaskState(h.client, jobId, 'busy', ['running']);
    const node = await h.client.computeNode.get('local', task.nodeInfo!.nodeId!);
    expect(node).toMatchObject({ state: 'running', runningTasksCount: 1, runningTaskSlotsCount: 3, isDedicated: true });
    const files = await h.client.file.listFromComputeNode('local', node.id!, { recursive: true, fileListFromComputeNodeOptions: { filter: "startswith(name, 'workitems')" } });
    expect(files.map((file) => file.name)).toContain(`workitems/${jobId}/job-1/busy/stdout.txt`);
    const stdout = await h.client.file.getFromComputeNode('local', node.id!, `workitems/${jobId}/job-1/busy/stdout.txt`);
    expect(await streamToString(stdout.readableStreamBody!)).toBe('');
    await h.client.job.terminate(jobId);
    await waitFor(() => h.client.computeNode.get('local', node.id!), (n) => n.runningTasksCount === 0);
  });

  test('a node with scheduling disabled takes no new tasks until it is enabled again', async () => {
    const id = uniqueId('pool');
    await h.client.pool.add({ id, vmSize: 'small', targetDedicatedNodes: 1 });
    const [node] = await h.client.computeNode.list(id);
    await h.client.computeNode.disableScheduling(id, node.id!);
    expect((await h.client.computeNode.get(id, node.id!)).schedulingState).toBe('disabled');
    const jobId = await addJob(h.client, { poolInfo: { poolId: id } });
    await h.client.task.add(jobId, { id: 't', commandLine: 'true' });
    await schedulingBarrier(h.client, { poolId: 'local' });
    expect((await h.client.task.get(jobId, 't')).state).toBe('active');
    await h.client.computeNode.enableScheduling(id, node.id!);
    await waitForTaskState(h.client, jobId, 't');
  });

  test('account node counts report each pool\'s nodes by state', async () => {
    const id = uniqueId('pool');
    await h.client.pool.add({ id, vmSize: 'small', targetDedicatedNodes: 2 });
    await waitForPoolSteady(h.client, id);
    const counts = await h.client.account.listPoolNodeCounts({ accountListPoolNodeCountsOptions: { filter: `poolId eq '${id}'` } });
    expect(counts).toHaveLength(1);
    expect(counts[0].dedicated).toMatchObject({ idle: 2, running: 0, total: 2 });
    expect(counts[0].lowPriority?.total).toBe(0);
  });

  test('deleting a pool removes it and its nodes; it is then not found', async () => {
    const id = uniqueId('pool');
    await h.client.pool.add({ id, vmSize: 'small', targetDedicatedNodes: 1 });
    await h.client.pool.deleteMethod(id);
    await waitFor(() => h.client.pool.exists(id), (exists) => exists.body === false);
    expect((await batchError(h.client.computeNode.list(id))).code).toBe('PoolNotFound');
  });
});
