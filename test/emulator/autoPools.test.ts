import type { BatchServiceModels } from '@azure/batch';
import { batchError, detail, startHarness, uniqueId, waitFor, waitForJobState, type Harness } from './harness';

const GUID = '[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}';

function autoPoolJob(
  pool: Partial<BatchServiceModels.PoolSpecification>,
  extra: Partial<BatchServiceModels.AutoPoolSpecification> = {},
): BatchServiceModels.JobAddParameter {
  return {
    id: uniqueId('autojob'),
    poolInfo: { autoPoolSpecification: { poolLifetimeOption: 'job', pool: { vmSize: 'standard_d2s_v3', ...pool }, ...extra } },
  };
}

const poolGone = (h: Harness, poolId: string) => waitFor(() => h.client.pool.exists(poolId), (exists) => exists.body === false, { what: `pool ${poolId} to be deleted` });

describe('auto pools: Batch creates a pool for the job and deletes it when the job ends', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ persistence: 'memory', pools: [{ id: 'local', nodeCount: 1, taskSlotsPerNode: 1 }] });
  });
  afterAll(() => h.close());

  test('the pool is named by the prefix and a GUID, has the given size, runs the tasks, and goes when the job completes', async () => {
    const job = { ...autoPoolJob({ vmSize: 'Standard_D4s_v3', taskSlotsPerNode: 2, targetDedicatedNodes: 2 }, { autoPoolIdPrefix: 'render' }), onAllTasksComplete: 'terminatejob' as const };
    await h.client.job.add(job);
    const added = await h.client.job.get(job.id);
    const poolId = added.executionInfo!.poolId!;
    expect(poolId).toMatch(new RegExp(`^render_${GUID}$`));
    expect(added.poolInfo).toEqual({
      autoPoolSpecification: expect.objectContaining({ autoPoolIdPrefix: 'render', poolLifetimeOption: 'job', keepAlive: false, pool: expect.objectContaining({ vmSize: 'Standard_D4s_v3', taskSlotsPerNode: 2 }) }),
    });

    const pool = await h.client.pool.get(poolId);
    expect([pool.vmSize, pool.taskSlotsPerNode, pool.currentDedicatedNodes, pool.state]).toEqual(['Standard_D4s_v3', 2, 2, 'active']);

    // Four tasks on the auto pool's 2 nodes × 2 slots; spread fill puts them on both nodes.
    await h.client.task.addCollection(job.id, [1, 2, 3, 4].map((n) => ({ id: `t${n}`, commandLine: '/bin/sh -c "sleep 0.2"' })));
    await waitForJobState(h.client, job.id, 'completed');
    const tasks = await h.client.task.list(job.id);
    expect(tasks.map((task) => [task.executionInfo?.result, task.nodeInfo?.poolId])).toEqual([1, 2, 3, 4].map(() => ['success', poolId]));
    expect(new Set(tasks.map((task) => task.nodeInfo?.nodeId)).size).toBe(2);
    await poolGone(h, poolId);
    expect((await h.client.job.get(job.id)).executionInfo!.poolId).toBe(poolId);
  });

  test('without a prefix the pool id is the GUID alone; keepAlive keeps the pool after the job is terminated; only keepAlive can change later', async () => {
    const job = autoPoolJob({ targetDedicatedNodes: 1 }, { keepAlive: true });
    await h.client.job.add(job);
    const poolId = (await h.client.job.get(job.id)).executionInfo!.poolId!;
    expect(poolId).toMatch(new RegExp(`^${GUID}$`));

    await h.client.job.patch(job.id, { poolInfo: { autoPoolSpecification: { poolLifetimeOption: 'job', keepAlive: false, pool: { vmSize: 'standard_f16s_v2' } } } });
    const patched = await h.client.job.get(job.id);
    expect(patched.poolInfo?.autoPoolSpecification).toMatchObject({ keepAlive: false, pool: { vmSize: 'standard_d2s_v3' } });
    await h.client.job.patch(job.id, { poolInfo: { autoPoolSpecification: { poolLifetimeOption: 'job', keepAlive: true } } });

    await h.client.job.terminate(job.id);
    await waitForJobState(h.client, job.id, 'completed');
    // A second auto-pool job that ends after the first one is the barrier: its pool's deletion ran later.
    const barrier = autoPoolJob({ targetDedicatedNodes: 0 });
    await h.client.job.add(barrier);
    const barrierPool = (await h.client.job.get(barrier.id)).executionInfo!.poolId!;
    await h.client.job.terminate(barrier.id);
    await poolGone(h, barrierPool);
    expect((await h.client.pool.get(poolId)).state).toBe('active');
    await h.client.pool.deleteMethod(poolId);
  });

  test('deleting the job deletes its auto pool', async () => {
    const job = autoPoolJob({ targetDedicatedNodes: 1 });
    await h.client.job.add(job);
    const poolId = (await h.client.job.get(job.id)).executionInfo!.poolId!;
    await h.client.task.add(job.id, { id: 'long', commandLine: '/bin/sh -c "sleep 30"' });
    await waitFor(() => h.client.task.get(job.id, 'long'), (task) => task.state === 'running');
    await h.client.job.deleteMethod(job.id);
    await poolGone(h, poolId);
  });

  test('an unknown VM size is refused as Batch refuses it: 400 InvalidPropertyValue naming the property, and nothing is created', async () => {
    const job = autoPoolJob({ vmSize: 'Standard_Q9000' });
    const refused = await batchError(h.client.job.add(job));
    expect([refused.statusCode, refused.code, detail(refused, 'PropertyName'), detail(refused, 'PropertyValue')]).toEqual([
      400,
      'InvalidPropertyValue',
      'poolInfo.autoPoolSpecification.pool.vmSize',
      'Standard_Q9000',
    ]);
    expect((await batchError(h.client.job.get(job.id))).code).toBe('JobNotFound');
    const pool = await batchError(h.client.pool.add({ id: uniqueId('pool'), vmSize: 'huge' }));
    expect([pool.code, detail(pool, 'PropertyName')]).toEqual(['InvalidPropertyValue', 'vmSize']);
  });

  test('poolInfo takes a poolId or an auto pool, not both; a job on its own takes poolLifetimeOption job', async () => {
    const both = await batchError(h.client.job.add({ id: uniqueId('both'), poolInfo: { poolId: 'local', autoPoolSpecification: { poolLifetimeOption: 'job', pool: { vmSize: 'small' } } } }));
    expect([both.code, detail(both, 'PropertyName')]).toEqual(['InvalidPropertyValue', 'poolInfo']);
    const schedule = await batchError(h.client.job.add(autoPoolJob({}, { poolLifetimeOption: 'jobschedule' })));
    expect([schedule.code, detail(schedule, 'PropertyName')]).toEqual(['InvalidPropertyValue', 'poolInfo.autoPoolSpecification.poolLifetimeOption']);
    const prefix = await batchError(h.client.job.add(autoPoolJob({}, { autoPoolIdPrefix: 'a-prefix-longer-than-20' })));
    expect([prefix.code, detail(prefix, 'PropertyName')]).toEqual(['InvalidPropertyValue', 'poolInfo.autoPoolSpecification.autoPoolIdPrefix']);
  });
});

describe("auto pools count against the account's quotas", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      persistence: 'memory',
      pools: [{ id: 'local', nodeCount: 1, taskSlotsPerNode: 1 }],
      quotas: { poolQuota: 2, dedicatedCoreQuota: 10 },
    });
  });
  afterAll(() => h.close());

  test('over the core quota the auto pool gets the nodes that fit and resizeErrors AccountCoreQuotaReached', async () => {
    // 10 cores, 2 used by the configured pool: two 4-core nodes fit of the three asked for.
    const job = autoPoolJob({ vmSize: 'standard_d4s_v3', targetDedicatedNodes: 3 });
    await h.client.job.add(job);
    const pool = await h.client.pool.get((await h.client.job.get(job.id)).executionInfo!.poolId!);
    expect([pool.currentDedicatedNodes, pool.resizeErrors?.map((error) => error.code)]).toEqual([2, ['AccountCoreQuotaReached']]);
    await h.client.job.terminate(job.id);
    await poolGone(h, pool.id!);
  });

  test('over the pool quota the job is added, then completed with the scheduling error AutoPoolCreationFailedWithQuotaReached', async () => {
    const filler = uniqueId('filler');
    await h.client.pool.add({ id: filler, vmSize: 'small' });
    const job = autoPoolJob({ targetDedicatedNodes: 1 });
    await h.client.job.add(job);
    const completed = await h.client.job.get(job.id);
    expect(completed.state).toBe('completed');
    expect(completed.executionInfo?.schedulingError).toMatchObject({ category: 'usererror', code: 'AutoPoolCreationFailedWithQuotaReached', message: 'The pool quota for the account is reached.' });
    expect(completed.executionInfo?.poolId).toBeUndefined();
    expect((await h.client.pool.list()).map((pool) => pool.id).sort()).toEqual([filler, 'local'].sort());
  });
});
