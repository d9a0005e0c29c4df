import { addJob, batchError, detail, schedulingBarrier, sh, startHarness, uniqueId, waitFor, waitForJobState, waitForTaskState, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ persistence: 'memory', pools: [{ id: 'local', nodeCount: 2, taskSlotsPerNode: 4 }, { id: 'tiny', nodeCount: 1, taskSlotsPerNode: 1 }] });
});
afterAll(() => h.close());

describe('jobs', () => {
  test('job add then get returns the job with Batch\'s defaults filled in', async () => {
    const id = uniqueId('job');
    const added = await h.client.job.add({ id, poolInfo: { poolId: 'local' }, displayName: 'first', metadata: [{ name: 'k', value: 'v' }] });
    expect(added.dataServiceId).toBe(`${h.emulator.url}/jobs/${id}`);
    const job = await h.client.job.get(id);
    expect(job).toMatchObject({
      id,
      displayName: 'first',
      state: 'active',
      priority: 0,
      maxParallelTasks: -1,
      usesTaskDependencies: false,
      onAllTasksComplete: 'noaction',
      onTaskFailure: 'noaction',
      poolInfo: { poolId: 'local' },
      metadata: [{ name: 'k', value: 'v' }],
      constraints: { maxTaskRetryCount: 0, maxWallClockTime: 'P10675199DT2H48M5.4775807S' },
      executionInfo: { poolId: 'local' },
    });
    expect(job.url).toBe(`${h.emulator.url}/jobs/${id}`);
    expect(job.creationTime).toBeInstanceOf(Date);
  });

  test('adding a job whose id exists (ids are case-insensitive) fails with 409 JobExists', async () => {
    const id = await addJob(h.client);
    const error = await batchError(h.client.job.add({ id: id.toUpperCase(), poolInfo: { poolId: 'local' } }));
    expect(error.statusCode).toBe(409);
    expect(error.code).toBe('JobExists');
    expect((await h.client.job.get(id.toUpperCase())).id).toBe(id);
  });

  test('getting a job that does not exist fails with 404 JobNotFound', async () => {
    const error = await batchError(h.client.job.get('no-such-job'));
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('JobNotFound');
    expect(error.body?.message?.value).toMatch(/^The specified job does not exist\./);
  });

  test('terminating a job sets its terminateReason; terminating it again fails with 409 JobCompleted', async () => {
    const id = await addJob(h.client);
    await h.client.job.terminate(id, { terminateReason: 'UserAbort' });
    const job = await waitForJobState(h.client, id, 'completed');
    expect(job.executionInfo?.terminateReason).toBe('UserAbort');
    expect(job.previousState).toBe('terminating');
    expect((await batchError(h.client.job.terminate(id))).code).toBe('JobCompleted');
    expect((await batchError(h.client.task.add(id, { id: 't', commandLine: 'true' }))).code).toBe('JobCompleted');
  });

  test('terminating a job without a reason records UserTerminate', async () => {
    const id = await addJob(h.client);
    await h.client.job.terminate(id);
    expect((await waitForJobState(h.client, id, 'completed')).executionInfo?.terminateReason).toBe('UserTerminate');
  });

  test('job patch changes only the given properties; job update (PUT) replaces all updatable ones', async () => {
    const id = await addJob(h.client, { priority: 10, constraints: { maxTaskRetryCount: 2 }, metadata: [{ name: 'a', value: '1' }] });
    await h.client.job.patch(id, { priority: 20 });
    expect(await h.client.job.get(id)).toMatchObject({ priority: 20, constraints: { maxTaskRetryCount: 2 }, metadata: [{ name: 'a', value: '1' }] });
    await h.client.job.update(id, { poolInfo: { poolId: 'local' }, priority: 30 });
    const job = await h.client.job.get(id);
    expect(job.priority).toBe(30);
    expect(job.constraints?.maxTaskRetryCount).toBe(0);
    expect(job.metadata).toBeUndefined();
  });

  test('onAllTasksComplete cannot go back from terminatejob to noaction (InvalidPropertyValue)', async () => {
    const id = await addJob(h.client, { onAllTasksComplete: 'terminatejob' });
    const error = await batchError(h.client.job.patch(id, { onAllTasksComplete: 'noaction' }));
    expect(error.code).toBe('InvalidPropertyValue');
    expect(detail(error, 'PropertyName')).toBe('onAllTasksComplete');
  });

  test('patching onAllTasksComplete to terminatejob after the tasks finished completes the job', async () => {
    const id = await addJob(h.client);
    await h.client.task.add(id, { id: 't', commandLine: 'true' });
    await waitForTaskState(h.client, id, 't');
    expect((await h.client.job.get(id)).state).toBe('active');
    await h.client.job.patch(id, { onAllTasksComplete: 'terminatejob' });
    expect((await waitForJobState(h.client, id, 'completed')).executionInfo?.terminateReason).toBe('AllTasksComplete');
  });

  test('a disabled job schedules nothing until it is enabled; disable with requeue puts running tasks back with requeueCount+1', async () => {
    const id = await addJob(h.client, { poolInfo: { poolId: 'tiny' } });
    await h.client.task.add(id, { id: 'long', commandLine: 'sleep 0.5' });
    await waitForTaskState(h.client, id, 'long', ['running']);
    await h.client.job.disable(id, 'requeue');
    await waitForJobState(h.client, id, 'disabled');
    await h.client.task.add(id, { id: 'later', commandLine: 'true' });
    // On the same one-slot pool: a disabled job's task placed wrongly would have taken the slot first.
    await schedulingBarrier(h.client, { poolId: 'tiny' });
    const long = await h.client.task.get(id, 'long');
    expect(long.state).toBe('active');
    expect(long.executionInfo?.requeueCount).toBe(1);
    expect((await h.client.task.get(id, 'later')).state).toBe('active');
    expect((await batchError(h.client.job.disable(id, 'wait'))).code).toBe('JobDisabled');
    await h.client.job.enable(id);
    await waitForTaskState(h.client, id, 'later');
    expect((await waitForTaskState(h.client, id, 'long')).executionInfo?.result).toBe('success');
  });

  test('job delete kills its tasks and removes the job; it is then not found', async () => {
    const id = await addJob(h.client);
    await h.client.task.add(id, { id: 'busy', commandLine: 'sleep 30' });
    await waitForTaskState(h.client, id, 'busy', ['running']);
    await h.client.job.deleteMethod(id);
    const deleting = await h.client.job.get(id).catch(() => undefined);
    if (deleting) expect(deleting.state).toBe('deleting');
    await waitFor(() => h.client.job.get(id).then(() => 'exists', (e) => e.code), (code) => code === 'JobNotFound');
  });

  test('job list pages with maxresults and odata.nextLink, filters on state and id prefix, and selects properties', async () => {
    const prefix = uniqueId('listed');
    for (let i = 0; i < 5; i++) await h.client.job.add({ id: `${prefix}-${i}`, poolInfo: { poolId: 'local' }, priority: i });
    await h.client.job.terminate(`${prefix}-4`);
    await waitForJobState(h.client, `${prefix}-4`, 'completed');
    const filter = `startswith(id, '${prefix}') and state eq 'active'`;
    const first = await h.client.job.list({ jobListOptions: { filter, maxResults: 3, select: 'id,priority' } });
    expect(first.map((job) => job.id)).toEqual([`${prefix}-0`, `${prefix}-1`, `${prefix}-2`]);
    expect(first[0]).toEqual(expect.objectContaining({ id: `${prefix}-0`, priority: 0 }));
    expect(first[0].state).toBeUndefined();
    expect(first.odatanextLink).toBeDefined();
    const second = await h.client.job.listNext(first.odatanextLink!);
    expect(second.map((job) => job.id)).toEqual([`${prefix}-3`]);
    expect(second.odatanextLink).toBeUndefined();
    const high = await h.client.job.list({ jobListOptions: { filter: `startswith(id, '${prefix}') and (priority ge 3 or state eq 'completed')` } });
    expect(high.map((job) => job.id)).toEqual([`${prefix}-3`, `${prefix}-4`]);
  });

  test('job task counts report taskCounts and taskSlotCounts by state and result', async () => {
    const id = await addJob(h.client);
    await h.client.task.addCollection(id, [
      { id: 'ok', commandLine: 'true', requiredSlots: 2 },
      { id: 'bad', commandLine: 'false' },
      { id: 'slow', commandLine: 'sleep 30', requiredSlots: 3 },
    ]);
    await waitForTaskState(h.client, id, 'slow', ['running']);
    await waitForTaskState(h.client, id, 'bad');
    await waitForTaskState(h.client, id, 'ok');
    const counts = await h.client.job.getTaskCounts(id);
    expect(counts.taskCounts).toEqual({ active: 0, running: 1, completed: 2, succeeded: 1, failed: 1 });
    expect(counts.taskSlotCounts).toEqual({ active: 0, running: 3, completed: 3, succeeded: 2, failed: 1 });
    await h.client.job.terminate(id);
  });

  test('a job can be added for a pool that does not exist; its tasks wait', async () => {
    const id = await addJob(h.client, { poolInfo: { poolId: 'no-such-pool' } });
    await h.client.task.add(id, { id: 'waits', commandLine: 'true' });
    await schedulingBarrier(h.client);
    expect((await h.client.task.get(id, 'waits')).state).toBe('active');
  });

  test('job maxWallClockTime terminates the job with MaxWallClockTimeExpiry', async () => {
    const id = await addJob(h.client, { constraints: { maxWallClockTime: 'PT0.5S' } });
    await h.client.task.add(id, { id: 'slow', commandLine: sh('sleep 30') });
    const job = await waitForJobState(h.client, id, 'completed', 10_000);
    expect(job.executionInfo?.terminateReason).toBe('MaxWallClockTimeExpiry');
    expect((await h.client.task.get(id, 'slow')).state).toBe('completed');
  });
});
