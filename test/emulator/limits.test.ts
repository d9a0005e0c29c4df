import fs from 'node:fs';
import path from 'node:path';
import { parsePoolSpecs } from '../../src/emulator';
import { addJob, batchError, detail, readTaskFile, sh, signedFetch, startHarness, uniqueId, waitFor, waitForJobState, waitForTaskState, type Harness } from './harness';

/** Node directories of a pool, as the emulator lays them out under its data folder. */
function nodeDirs(h: Harness, poolId: string): string[] {
  const dir = path.join(h.dataDir, 'pools', poolId.toLowerCase(), 'nodes');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

const admin = (h: Harness, route: string, method: string, body?: object) =>
  signedFetch(`${h.emulator.url}/emulator/${route}`, method, body === undefined ? {} : { body: JSON.stringify(body) });

describe("Batch's account quotas", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      persistence: 'memory',
      pools: [{ id: 'local', nodeCount: 1, taskSlotsPerNode: 2 }],
      quotas: { activeJobAndJobScheduleQuota: 2, dedicatedCoreQuota: 10, lowPriorityCoreQuota: 4, poolQuota: 3 },
    });
  });
  afterAll(() => h.close());

  test('a job over the active job quota is refused with 409 ActiveJobAndScheduleQuotaReached; a completed job frees its place; the quota can be raised at run time', async () => {
    const first = await addJob(h.client);
    await addJob(h.client);
    const refused = await batchError(addJob(h.client, { id: 'third' }));
    expect([refused.statusCode, refused.code, detail(refused, 'Quota')]).toEqual([409, 'ActiveJobAndScheduleQuotaReached', '2']);
    expect(refused.body?.message?.value).toMatch(/^The specified account has reached its quota of active jobs and job schedules\.\nRequestId:/);
    expect((await batchError(h.client.job.get('third'))).code).toBe('JobNotFound');

    await h.client.job.terminate(first);
    await waitForJobState(h.client, first, 'completed');
    await addJob(h.client, { id: 'third' });
    expect((await batchError(addJob(h.client))).code).toBe('ActiveJobAndScheduleQuotaReached');

    const raised = await admin(h, 'quotas', 'PATCH', { activeJobAndJobScheduleQuota: 3 });
    expect([raised.status, raised.json().activeJobAndJobScheduleQuota]).toEqual([200, 3]);
    await addJob(h.client);
    const bad = await admin(h, 'quotas', 'PATCH', { activeJobAndJobScheduleQuota: -1 });
    expect([bad.status, bad.json().code]).toEqual([400, 'InvalidPropertyValue']);
  });

  test('a pool over the dedicated core quota gets the nodes that fit and resizeErrors AccountCoreQuotaReached, steady', async () => {
    // 10 cores, 2 used by the configured pool (standard_d2s_v3): two 4-core nodes fit of the three asked for.
    const id = uniqueId('cores');
    await h.client.pool.add({ id, vmSize: 'standard_d4s_v3', targetDedicatedNodes: 3 });
    const pool = await waitFor(() => h.client.pool.get(id), (p) => p.allocationState === 'steady');
    expect([pool.currentDedicatedNodes, pool.targetDedicatedNodes]).toEqual([2, 3]);
    expect(pool.resizeErrors?.map((error) => error.code)).toEqual(['AccountCoreQuotaReached']);
    expect(pool.resizeErrors?.[0].values).toContainEqual({ name: 'CoreQuota', value: '10' });
    // Shrinking within the quota clears the error.
    await h.client.pool.resize(id, { targetDedicatedNodes: 1 });
    const resized = await waitFor(() => h.client.pool.get(id), (p) => p.allocationState === 'steady' && p.currentDedicatedNodes === 1);
    expect(resized.resizeErrors).toBeUndefined();
    await h.client.pool.deleteMethod(id);
    await waitFor(() => h.client.pool.exists(id), (exists) => exists.body === false);
  });

  test('low-priority nodes count against their own core quota (AccountLowPriorityCoreQuotaReached) and a pool over the pool quota is refused with 409 PoolQuotaReached', async () => {
    const spot = uniqueId('spot');
    await h.client.pool.add({ id: spot, vmSize: 'standard_d2s_v3', targetLowPriorityNodes: 3 });
    const pool = await waitFor(() => h.client.pool.get(spot), (p) => p.allocationState === 'steady');
    expect([pool.currentDedicatedNodes, pool.currentLowPriorityNodes]).toEqual([0, 2]);
    expect(pool.resizeErrors?.map((error) => error.code)).toEqual(['AccountLowPriorityCoreQuotaReached']);
    const nodes = await h.client.computeNode.list(spot);
    expect(nodes.map((node) => [node.isDedicated, /_p$/.test(node.id!)])).toEqual([
      [false, true],
      [false, true],
    ]);

    await h.client.pool.add({ id: uniqueId('third'), vmSize: 'small' });
    const refused = await batchError(h.client.pool.add({ id: uniqueId('fourth'), vmSize: 'small' }));
    expect([refused.statusCode, refused.code]).toEqual([409, 'PoolQuotaReached']);
  });
});

describe('node counts are checked before anything is created; nodes are materialised lazily', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ persistence: 'memory' });
  });
  afterAll(() => h.close());

  test('a pool of 15,741,312 nodes is answered at once with the quota error, and gets only the nodes the default quota allows, none on disk', async () => {
    const id = uniqueId('huge');
    await h.client.pool.add({ id, vmSize: 'standard_d2s_v3', targetDedicatedNodes: 15_741_312 });
    const pool = await waitFor(() => h.client.pool.get(id), (p) => p.allocationState === 'steady');
    // The default dedicated core quota is 900; the configured pool (2 nodes × 2 cores) uses 4 of them.
    expect([pool.targetDedicatedNodes, pool.currentDedicatedNodes]).toEqual([15_741_312, 448]);
    expect(pool.resizeErrors?.map((error) => error.code)).toEqual(['AccountCoreQuotaReached']);
    expect(nodeDirs(h, id)).toEqual([]);
    await h.client.pool.resize(id, { targetDedicatedNodes: 2_000_000_000 });
    const resized = await waitFor(() => h.client.pool.get(id), (p) => p.allocationState === 'steady' && p.targetDedicatedNodes === 2_000_000_000);
    expect(resized.currentDedicatedNodes).toBe(448);
    expect((await h.client.pool.get('local')).id).toBe('local');
    await h.client.pool.deleteMethod(id);
    await waitFor(() => h.client.pool.exists(id), (exists) => exists.body === false);
  });

  test('a large allowed pool creates no node directory up front; the node a task lands on gets its directories', async () => {
    h.emulator.setQuotas({ dedicatedCoreQuota: 100_000, maxNodesPerPool: 3_000 });
    const id = uniqueId('large');
    await h.client.pool.add({ id, vmSize: 'small', targetDedicatedNodes: 3_000 });
    const pool = await waitFor(() => h.client.pool.get(id), (p) => p.allocationState === 'steady');
    expect([pool.currentDedicatedNodes, pool.resizeErrors]).toEqual([3_000, undefined]);
    expect(nodeDirs(h, id)).toEqual([]);

    const jobId = await addJob(h.client, { poolInfo: { poolId: id } });
    await h.client.task.add(jobId, { id: 't', commandLine: sh('ls "$AZ_BATCH_NODE_SHARED_DIR" "$AZ_BATCH_NODE_STARTUP_DIR" > /dev/null && echo ok') });
    const task = await waitForTaskState(h.client, jobId, 't');
    expect(task.executionInfo?.exitCode).toBe(0);
    expect(await readTaskFile(h.client, jobId, 't', 'stdout.txt')).toBe('ok\n');
    expect(nodeDirs(h, id)).toEqual([task.nodeInfo!.nodeId]);

    // Over maxNodesPerPool, the pool stops at the bound with AllocationFailed naming it.
    await h.client.pool.resize(id, { targetDedicatedNodes: 3_001 });
    const bounded = await waitFor(() => h.client.pool.get(id), (p) => p.allocationState === 'steady' && p.targetDedicatedNodes === 3_001);
    expect(bounded.currentDedicatedNodes).toBe(3_000);
    expect(bounded.resizeErrors?.[0]).toMatchObject({ code: 'AllocationFailed' });
    expect(bounded.resizeErrors?.[0].message).toMatch(/maxNodesPerPool/);
    await h.client.job.terminate(jobId);
    await h.client.pool.deleteMethod(id);
    await waitFor(() => h.client.pool.exists(id), (exists) => exists.body === false);
  });
});

describe('pools whose allocation fails, and spot preemption', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      persistence: 'memory',
      pools: [
        { id: 'local', nodeCount: 1, taskSlotsPerNode: 1 },
        { id: 'nocapacity', nodeCount: 2, taskSlotsPerNode: 1, failAllocation: true },
        { id: 'spot', nodeCount: 0, lowPriorityNodeCount: 2, taskSlotsPerNode: 1 },
      ],
    });
  });
  afterAll(() => h.close());

  test('a pool configured to fail allocation has 0 nodes, resizeErrors AllocationFailed and is steady; its tasks wait until allocation works again', async () => {
    const pool = await h.client.pool.get('nocapacity');
    expect([pool.currentDedicatedNodes, pool.targetDedicatedNodes, pool.allocationState]).toEqual([0, 2, 'steady']);
    expect(pool.resizeErrors?.map((error) => error.code)).toEqual(['AllocationFailed']);
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'nocapacity' } });
    await h.client.task.add(jobId, { id: 't', commandLine: 'true' });
    expect((await h.client.task.get(jobId, 't')).state).toBe('active');

    const unsigned = await fetch(`${h.emulator.url}/emulator/pools/nocapacity/allocationfailure`, { method: 'POST', body: '{"enabled":false}' });
    expect(unsigned.status).toBe(403);
    const toggled = await admin(h, 'pools/nocapacity/allocationfailure', 'POST', { enabled: false });
    expect([toggled.status, toggled.json().resizeErrors]).toEqual([200, []]);
    await waitForTaskState(h.client, jobId, 't');
    const healed = await h.client.pool.get('nocapacity');
    expect([healed.currentDedicatedNodes, healed.resizeErrors]).toEqual([2, undefined]);
  });

  test('turning allocation failure on at run time takes the nodes away and requeues their running tasks', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 'long', commandLine: 'sleep 30' });
    await waitForTaskState(h.client, jobId, 'long', ['running']);
    await h.emulator.setAllocationFailure('local', true);
    const pool = await h.client.pool.get('local');
    expect([pool.currentDedicatedNodes, pool.resizeErrors?.[0].code, pool.allocationState]).toEqual([0, 'AllocationFailed', 'steady']);
    const task = await waitForTaskState(h.client, jobId, 'long', ['active']);
    expect([task.executionInfo?.requeueCount, task.executionInfo?.retryCount]).toEqual([1, 0]);
    await h.emulator.setAllocationFailure('local', false);
    await waitForTaskState(h.client, jobId, 'long', ['running']);
    await h.client.job.terminate(jobId);
  });

  test('a preempted spot node turns preempted and its running task is requeued to run again on another node, as Batch does', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'spot' } });
    await h.client.task.add(jobId, { id: 'spot-task', commandLine: sh('echo "dedicated=$AZ_BATCH_NODE_IS_DEDICATED"; sleep 30') });
    const running = await waitForTaskState(h.client, jobId, 'spot-task', ['running']);
    const firstNode = running.nodeInfo!.nodeId!;
    expect(firstNode).toMatch(/_p$/);
    await waitFor(() => readTaskFile(h.client, jobId, 'spot-task', 'stdout.txt'), (text) => text === 'dedicated=false\n');

    const preempted = await admin(h, 'pools/spot/preempt', 'POST', {});
    expect(preempted.json()).toEqual({ poolId: 'spot', nodeId: firstNode, state: 'preempted' });
    expect((await h.client.computeNode.get('spot', firstNode)).state).toBe('preempted');

    // Requeued: back to active (then placed on the other spot node), requeueCount 1, no retry used.
    const rerun = await waitFor(
      () => h.client.task.get(jobId, 'spot-task'),
      (task) => task.state === 'running' && task.nodeInfo?.nodeId !== firstNode,
      15_000,
      'the task to run on the other spot node',
    );
    expect([rerun.executionInfo?.requeueCount, rerun.executionInfo?.retryCount]).toEqual([1, 0]);
    expect(rerun.executionInfo?.lastRequeueTime).toBeInstanceOf(Date);

    const pool = await h.client.pool.get('spot');
    expect([pool.currentLowPriorityNodes, pool.currentDedicatedNodes]).toEqual([2, 0]);
    const [counts] = await h.client.account.listPoolNodeCounts({ accountListPoolNodeCountsOptions: { filter: "poolId eq 'spot'" } });
    expect(counts.lowPriority).toMatchObject({ preempted: 1, running: 1, total: 2 });
    expect(counts.dedicated?.total).toBe(0);

    const dedicatedNode = (await h.client.computeNode.list('local'))[0].id!;
    const refused = await admin(h, 'pools/local/preempt', 'POST', { nodeId: dedicatedNode });
    expect([refused.status, refused.json().code]).toEqual([409, 'OperationInvalidForCurrentState']);

    const restored = await admin(h, 'pools/spot/restorepreempted', 'POST');
    expect(restored.json().restored).toEqual([firstNode]);
    expect((await h.client.computeNode.get('spot', firstNode)).state).toBe('idle');
    await h.client.job.terminate(jobId);
  });

  test('the pool syntax takes spot nodes as dedicated+lowPriority', () => {
    expect(parsePoolSpecs('spot:1+3:4:standard_d4s_v3')).toEqual([{ id: 'spot', nodeCount: 1, lowPriorityNodeCount: 3, taskSlotsPerNode: 4, vmSize: 'standard_d4s_v3' }]);
  });
});
