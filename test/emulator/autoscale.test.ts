import { batchError, detail, signedFetch, startHarness, uniqueId, waitFor, waitForPoolSteady, type Harness } from './harness';

/** Autoscale through the official client: enable, evaluate, disable, and the pool sizing itself by its formula. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ persistence: 'memory', resizeDurationMs: 0, pools: [] });
});
afterAll(() => h.close());

async function steadyPool(nodes = 0): Promise<string> {
  const id = uniqueId('pool');
  await h.client.pool.add({ id, vmSize: 'standard_d2s_v3', targetDedicatedNodes: nodes, taskSlotsPerNode: 2 });
  await waitForPoolSteady(h.client, id);
  return id;
}

describe('enable, evaluate, disable', () => {
  test('enabling runs the formula at once: the pool reports it, its interval and the run, and resizes to the targets', async () => {
    const id = await steadyPool();
    await h.client.pool.enableAutoScale(id, { autoScaleFormula: '$TargetDedicatedNodes=2', autoScaleEvaluationInterval: 'PT6M' });
    const pool = await waitFor(() => h.client.pool.get(id), (p) => p.currentDedicatedNodes === 2 && p.allocationState === 'steady', 10_000, 'pool at 2 nodes');
    expect([pool.enableAutoScale, pool.autoScaleFormula, pool.autoScaleEvaluationInterval, pool.targetDedicatedNodes]).toEqual([true, '$TargetDedicatedNodes=2', 'PT6M', 2]);
    expect(pool.autoScaleRun?.results).toBe('$TargetDedicatedNodes=2;$TargetLowPriorityNodes=0;$NodeDeallocationOption=requeue');
    expect(pool.autoScaleRun?.timestamp).toBeInstanceOf(Date);
    expect(pool.autoScaleRun?.error).toBeUndefined();
  });

  test('evaluate answers the run for another formula without applying it; an undefined symbol comes back as the run\'s error (200)', async () => {
    const id = await steadyPool();
    await h.client.pool.enableAutoScale(id, { autoScaleFormula: '$TargetDedicatedNodes=2' });
    const evaluated = await h.client.pool.evaluateAutoScale(id, '$TargetDedicatedNodes=3');
    expect(evaluated.results).toBe('$TargetDedicatedNodes=3;$TargetLowPriorityNodes=0;$NodeDeallocationOption=requeue');
    expect(evaluated._response.headers.get('dataserviceid')).toMatch(new RegExp(`/pools/${id}/evaluateautoscale$`));
    expect((await h.client.pool.get(id)).targetDedicatedNodes).toBe(2);

    const failing = await h.client.pool.evaluateAutoScale(id, '$something_useless');
    expect(failing.results).toBe('$TargetDedicatedNodes=2;$TargetLowPriorityNodes=0;$NodeDeallocationOption=requeue');
    expect(failing.error).toEqual({
      code: 'AutoScalingFormulaEvaluationError',
      message: 'The specified auto-scaling formula has evaluation error',
      values: [{ name: 'Message', value: 'Line 1, Col 1: Undefined symbol: $something_useless' }],
    });
  });

  test('a formula that does not parse is 400 AutoScalingFormulaSyntaxError naming where, for enable and evaluate alike', async () => {
    const id = await steadyPool();
    const refused = await batchError(h.client.pool.enableAutoScale(id, { autoScaleFormula: '$TargetDedicatedNodes = (1 +' }));
    expect([refused.statusCode, refused.code, detail(refused, 'Message')]).toEqual([400, 'AutoScalingFormulaSyntaxError', 'Line 1, Col 29: The formula ends where an expression is expected']);
    expect((await h.client.pool.get(id)).enableAutoScale).toBe(false);
    await h.client.pool.enableAutoScale(id, { autoScaleFormula: '$TargetDedicatedNodes=0' });
    expect((await batchError(h.client.pool.evaluateAutoScale(id, '$x = = 1'))).code).toBe('AutoScalingFormulaSyntaxError');
  });

  test('disabling keeps the pool\'s size and drops the formula; evaluate then needs autoscale again', async () => {
    const id = await steadyPool();
    await h.client.pool.enableAutoScale(id, { autoScaleFormula: '$TargetDedicatedNodes=1' });
    await waitFor(() => h.client.pool.get(id), (p) => p.currentDedicatedNodes === 1, 10_000, 'one node');
    await h.client.pool.disableAutoScale(id);
    const pool = await h.client.pool.get(id);
    expect([pool.enableAutoScale, pool.autoScaleFormula, pool.autoScaleRun, pool.targetDedicatedNodes]).toEqual([false, undefined, undefined, 1]);
    expect((await batchError(h.client.pool.evaluateAutoScale(id, '$TargetDedicatedNodes=3'))).code).toBe('OperationInvalidForCurrentState');
  });

  test('refusals: no formula on a pool without autoscale, a second enable within 30 s, an interval under 5 minutes, a manual resize of an autoscale pool', async () => {
    const id = await steadyPool();
    expect((await batchError(h.client.pool.enableAutoScale(id, {}))).code).toBe('MissingRequiredProperty');
    const short = await batchError(h.client.pool.enableAutoScale(id, { autoScaleFormula: '$TargetDedicatedNodes=0', autoScaleEvaluationInterval: 'PT1M' }));
    expect([short.code, detail(short, 'PropertyName')]).toEqual(['InvalidPropertyValue', 'autoScaleEvaluationInterval']);
    await h.client.pool.enableAutoScale(id, { autoScaleFormula: '$TargetDedicatedNodes=0' });
    const again = await batchError(h.client.pool.enableAutoScale(id, { autoScaleFormula: '$TargetDedicatedNodes=1' }));
    expect([again.statusCode, again.code]).toEqual([409, 'AutoScaleTooManyRequestsToEnable']);
    expect((await batchError(h.client.pool.resize(id, { targetDedicatedNodes: 3 }))).code).toBe('OperationInvalidForCurrentState');
  });
});

describe('a pool added with autoscale', () => {
  test('starts from its formula; fixed targets or a missing formula are refused', async () => {
    const id = uniqueId('pool');
    await h.client.pool.add({ id, vmSize: 'standard_d2s_v3', enableAutoScale: true, autoScaleFormula: '$TargetDedicatedNodes = 1; $TargetLowPriorityNodes = 1' });
    const pool = await waitFor(() => h.client.pool.get(id), (p) => p.currentDedicatedNodes === 1 && p.currentLowPriorityNodes === 1, 10_000, 'nodes from the formula');
    expect([pool.autoScaleEvaluationInterval, pool.autoScaleRun?.results]).toEqual(['PT15M', '$TargetDedicatedNodes=1;$TargetLowPriorityNodes=1;$NodeDeallocationOption=requeue']);

    const targets = await batchError(h.client.pool.add({ id: uniqueId('pool'), vmSize: 'standard_d2s_v3', enableAutoScale: true, autoScaleFormula: '$TargetDedicatedNodes=1', targetDedicatedNodes: 2 }));
    expect([targets.code, detail(targets, 'PropertyName')]).toEqual(['InvalidPropertyValue', 'targetDedicatedNodes']);
    expect((await batchError(h.client.pool.add({ id: uniqueId('pool'), vmSize: 'standard_d2s_v3', enableAutoScale: true }))).code).toBe('MissingRequiredProperty');
    const stray = await batchError(h.client.pool.add({ id: uniqueId('pool'), vmSize: 'standard_d2s_v3', autoScaleFormula: '$TargetDedicatedNodes=1' }));
    expect(detail(stray, 'PropertyName')).toBe('autoScaleFormula');
  });
});

describe('periodic runs read the emulator\'s own samples', () => {
  test('a queue-driven formula grows the pool for pending tasks and shrinks it when they are done, one run at a time', async () => {
    const id = await steadyPool();
    const formula = '$pending = max($PendingTasks.GetSample(1)); $TargetDedicatedNodes = min(3, ceil($pending / $TaskSlotsPerNode)); $NodeDeallocationOption = taskcompletion';
    await h.client.pool.enableAutoScale(id, { autoScaleFormula: formula, autoScaleEvaluationInterval: 'PT5M' });
    expect((await h.client.pool.get(id)).targetDedicatedNodes).toBe(0);

    const jobId = uniqueId('job');
    await h.client.job.add({ id: jobId, poolInfo: { poolId: id } });
    await h.client.task.addCollection(jobId, Array.from({ length: 5 }, (_, i) => ({ id: `t${i}`, commandLine: '/bin/true' })));
    h.emulator.runAutoScale(id);
    const grown = await h.client.pool.get(id);
    expect(grown.autoScaleRun?.results).toContain('$pending=5');
    expect(grown.targetDedicatedNodes).toBe(3);
    await waitFor(() => h.client.job.getTaskCounts(jobId), (counts) => counts.taskCounts.completed === 5, 20_000, 'tasks completed');
    await waitForPoolSteady(h.client, id);

    const run = await signedFetch(`${h.emulator.url}/emulator/pools/${id}/runautoscale`, 'POST');
    expect((run.json().autoScaleRun as { results: string }).results).toContain('$pending=0');
    await waitFor(() => h.client.pool.get(id), (p) => p.currentDedicatedNodes === 0 && p.allocationState === 'steady', 10_000, 'pool empty again');
  });

  test('succeeded and failed tasks are counted per sample', async () => {
    const id = await steadyPool(1);
    const jobId = uniqueId('job');
    await h.client.job.add({ id: jobId, poolInfo: { poolId: id } });
    await h.client.pool.enableAutoScale(id, { autoScaleFormula: '$TargetDedicatedNodes = 1' });
    await h.client.task.addCollection(jobId, [
      { id: 'ok', commandLine: '/bin/true' },
      { id: 'bad', commandLine: '/bin/false' },
    ]);
    await waitFor(() => h.client.job.getTaskCounts(jobId), (counts) => counts.taskCounts.completed === 2, 20_000, 'tasks completed');
    const evaluated = await h.client.pool.evaluateAutoScale(id, '$ok = sum($SucceededTasks.GetSample(TimeInterval_Minute)); $bad = sum($FailedTasks.GetSample(TimeInterval_Minute))');
    expect(evaluated.results).toContain('$ok=1;$bad=1');
  });

  test('a run that fails keeps its error in autoScaleRun and leaves the pool as it was', async () => {
    const id = await steadyPool(1);
    await h.client.pool.enableAutoScale(id, { autoScaleFormula: '$TargetDedicatedNodes = max($PendingTasks.GetSample(100))' });
    const pool = await h.client.pool.get(id);
    expect(pool.autoScaleRun?.error?.code).toBe('AutoScalingFormulaEvaluationError');
    expect(pool.autoScaleRun?.error?.values?.[0].value).toMatch(/^Line 1, Col \d+: \$PendingTasks has 1 sample\(s\), fewer than the 100 asked for$/);
    expect([pool.targetDedicatedNodes, pool.currentDedicatedNodes]).toEqual([1, 1]);
  });
});
