import { addJob, batchError, detail, sh, signedFetch, startHarness, waitFor, waitForTaskState, type BatchErrorShape, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ persistence: 'memory', pools: [{ id: 'local', nodeCount: 2, taskSlotsPerNode: 4 }, { id: 'idle', nodeCount: 0, taskSlotsPerNode: 1 }] });
});
afterAll(() => h.close());

describe('tasks', () => {
  test('task add then get returns the task with Batch\'s defaults: requiredSlots 1, pool auto-user, constraints, zero counts', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    const added = await h.client.task.add(jobId, { id: 'task-1', commandLine: 'true', displayName: 'first' });
    expect(added.dataServiceId).toBe(`${h.emulator.url}/jobs/${jobId}/tasks/task-1`);
    const task = await h.client.task.get(jobId, 'task-1');
    expect(task).toMatchObject({
      id: 'task-1',
      displayName: 'first',
      state: 'active',
      commandLine: 'true',
      requiredSlots: 1,
      userIdentity: { autoUser: { scope: 'pool', elevationLevel: 'nonadmin' } },
      constraints: { maxWallClockTime: 'P10675199DT2H48M5.4775807S', retentionTime: 'P7D', maxTaskRetryCount: 0 },
      executionInfo: { retryCount: 0, requeueCount: 0 },
    });
    expect(task.nodeInfo).toBeUndefined();
    expect(task.url).toBe(`${h.emulator.url}/jobs/${jobId}/tasks/task-1`);
  });

  test('adding a task whose id exists in the job (case-insensitively) fails with 409 TaskExists', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    await h.client.task.add(jobId, { id: 'Same', commandLine: 'true' });
    const error = await batchError(h.client.task.add(jobId, { id: 'same', commandLine: 'true' }));
    expect(error.statusCode).toBe(409);
    expect(error.code).toBe('TaskExists');
  });

  test('getting an unknown task fails with 404 TaskNotFound; adding to an unknown job fails with 404 JobNotFound', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    expect((await batchError(h.client.task.get(jobId, 'nope'))).code).toBe('TaskNotFound');
    expect((await batchError(h.client.task.add('no-such-job', { id: 't', commandLine: 'true' }))).code).toBe('JobNotFound');
  });

  test('add task collection reports a result per task: success, TaskExists, and property errors, adding only the valid ones', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    await h.client.task.add(jobId, { id: 'existing', commandLine: 'true' });
    const result = await h.client.task.addCollection(jobId, [
      { id: 'new-1', commandLine: 'true' },
      { id: 'existing', commandLine: 'true' },
      { id: 'bad id!', commandLine: 'true' },
      { id: 'new-2', commandLine: 'true' },
      { id: 'new-2', commandLine: 'true' },
    ]);
    expect(result.value!.map((r) => [r.taskId, r.status, r.error?.code])).toEqual([
      ['new-1', 'success', undefined],
      ['existing', 'clienterror', 'TaskExists'],
      ['bad id!', 'clienterror', 'InvalidPropertyValue'],
      ['new-2', 'success', undefined],
      ['new-2', 'clienterror', 'TaskExists'],
    ]);
    expect(result.value![0].location).toBe(`${h.emulator.url}/jobs/${jobId}/tasks/new-1`);
    expect(result.value![0].eTag).toMatch(/^0x[0-9A-F]+$/);
    expect((await h.client.task.list(jobId)).map((t) => t.id)).toEqual(['existing', 'new-1', 'new-2']);
  });

  test('a collection of more than 100 tasks is refused as a whole', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    const value = Array.from({ length: 101 }, (_, i) => ({ id: `t${i}`, commandLine: 'true' }));
    const response = await signedFetch(`${h.emulator.url}/jobs/${jobId}/addtaskcollection?api-version=2022-10-01.16.0`, 'POST', { body: JSON.stringify({ value }) });
    expect(response.status).toBe(400);
    expect(response.json().code).toBe('InvalidPropertyValue');
    expect(await h.client.task.list(jobId)).toHaveLength(0);
  });

  test('a collection larger than 1 MB is refused with 413 RequestBodyTooLarge and nothing is added', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    const value = Array.from({ length: 100 }, (_, i) => ({ id: `t${i}`, commandLine: `echo ${'x'.repeat(11_000)}` }));
    const error = await batchError(h.client.task.addCollection(jobId, value));
    expect(error.statusCode).toBe(413);
    expect(error.code).toBe('RequestBodyTooLarge');
    expect(await h.client.task.list(jobId)).toHaveLength(0);
  });

  test('task list filters on state, id and times, pages with maxresults/odata.nextLink, and applies $select', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.addCollection(jobId, [
      ...Array.from({ length: 5 }, (_, i) => ({ id: `ok-${i}`, commandLine: 'true' })),
      { id: 'fail-1', commandLine: 'false' },
    ]);
    await waitFor(() => h.client.job.getTaskCounts(jobId), (c) => c.taskCounts.completed === 6);
    const checkpoint = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await h.client.task.add(jobId, { id: 'late', commandLine: 'true' });
    await waitForTaskState(h.client, jobId, 'late');

    const failed = await h.client.task.list(jobId, { taskListOptions: { filter: "executionInfo/result eq 'failure'" } });
    expect(failed.map((t) => t.id)).toEqual(['fail-1']);
    const ok = await h.client.task.list(jobId, { taskListOptions: { filter: "startswith(id, 'ok-') and state eq 'completed'", maxResults: 2, select: 'id,state' } });
    const ids = ok.map((t) => t.id);
    let link = ok.odatanextLink;
    while (link) {
      const page = await h.client.task.listNext(link);
      ids.push(...page.map((t) => t.id));
      link = page.odatanextLink;
    }
    expect(ids).toEqual(['ok-0', 'ok-1', 'ok-2', 'ok-3', 'ok-4']);
    expect(ok[0].commandLine).toBeUndefined();
    const changed = await h.client.task.list(jobId, { taskListOptions: { filter: `stateTransitionTime gt datetime'${checkpoint.toISOString()}'` } });
    expect(changed.map((t) => t.id)).toEqual(['late']);
    const notOk = await h.client.task.list(jobId, { taskListOptions: { filter: "not startswith(id, 'ok-') or executionInfo/exitCode ne 0" } });
    expect(notOk.map((t) => t.id)).toEqual(['fail-1', 'late']);
  });

  test('task update replaces the constraints of a task that has not completed', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    await h.client.task.add(jobId, { id: 't', commandLine: 'true', constraints: { maxTaskRetryCount: 1 } });
    await h.client.task.update(jobId, 't', { constraints: { maxTaskRetryCount: 4, maxWallClockTime: 'PT1H' } });
    const task = await h.client.task.get(jobId, 't');
    expect(task.constraints).toMatchObject({ maxTaskRetryCount: 4, maxWallClockTime: 'PT1H' });
  });

  test('terminating a waiting task completes it with TaskEnded; terminating it again fails with 409 TaskCompleted', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    await h.client.task.add(jobId, { id: 't', commandLine: 'true' });
    await h.client.task.terminate(jobId, 't');
    const task = await h.client.task.get(jobId, 't');
    expect(task.state).toBe('completed');
    expect(task.executionInfo).toMatchObject({ result: 'failure', failureInfo: { code: 'TaskEnded' } });
    expect((await batchError(h.client.task.terminate(jobId, 't'))).code).toBe('TaskCompleted');
  });

  test('reactivating a failed task runs it again with retryCount reset; a succeeded task cannot be reactivated', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, {
      id: 'flaky',
      commandLine: sh('if [ -f "$MARKER" ]; then exit 0; fi; touch "$MARKER"; exit 4'),
      environmentSettings: [{ name: 'MARKER', value: `${h.dataDir}/${jobId}-seen` }],
      constraints: { maxTaskRetryCount: 0 },
    });
    const failed = await waitForTaskState(h.client, jobId, 'flaky');
    expect(failed.executionInfo?.exitCode).toBe(4);
    await h.client.task.reactivate(jobId, 'flaky');
    const again = await waitFor(() => h.client.task.get(jobId, 'flaky'), (t) => t.state === 'completed' && t.executionInfo?.result === 'success');
    expect(again.executionInfo).toMatchObject({ exitCode: 0, retryCount: 0 });
    const error = await batchError(h.client.task.reactivate(jobId, 'flaky'));
    expect(error.statusCode).toBe(409);
  });

  test('deleting a running task kills it and removes it; it is then not found', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 'busy', commandLine: 'sleep 30' });
    await waitForTaskState(h.client, jobId, 'busy', ['running']);
    await h.client.task.deleteMethod(jobId, 'busy');
    expect((await batchError(h.client.task.get(jobId, 'busy'))).code).toBe('TaskNotFound');
    await waitFor(() => h.client.job.getTaskCounts(jobId), (c) => c.taskCounts.running === 0);
  });

  test('a task deleted while it runs and added again at once under its id keeps the new run\'s files', async () => {
    const one = await startHarness({ persistence: 'memory', pools: [{ id: 'one', nodeCount: 1, taskSlotsPerNode: 2 }] });
    try {
      const jobId = await addJob(one.client, { poolInfo: { poolId: 'one' } });
      await one.client.task.add(jobId, { id: 'rerun', commandLine: sh('echo first; sleep 30') });
      await waitForTaskState(one.client, jobId, 'rerun', ['running']);
      await one.client.task.deleteMethod(jobId, 'rerun');
      await one.client.task.add(jobId, { id: 'rerun', commandLine: sh('echo second; sleep 1') });
      await waitForTaskState(one.client, jobId, 'rerun', ['completed']);
      // The first run's directory was to be removed 200 ms after its delete: by now that has come and gone.
      const stdout = await one.client.file.getFromTask(jobId, 'rerun', 'stdout.txt');
      expect(await streamText(stdout.readableStreamBody!)).toBe('second\n');
    } finally {
      await one.close();
    }
  });

  test('the subtasks of a task that is not multi-instance are an empty list', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    await h.client.task.add(jobId, { id: 't', commandLine: 'true' });
    expect((await h.client.task.listSubtasks(jobId, 't')).value).toEqual([]);
  });

  test('task files of a task that has not run yet are not available', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    await h.client.task.add(jobId, { id: 't', commandLine: 'true' });
    const error = await batchError(h.client.file.listFromTask(jobId, 't'));
    expect(error.statusCode).toBe(409);
    expect(detail(error, 'Reason')).toMatch(/not been scheduled/);
  });
});

describe('task retention', () => {
  test('after retentionTime a completed task keeps its state but its files are cleaned up (TaskFilesCleanedup)', async () => {
    const r = await startHarness({ persistence: 'memory', retentionSweepMs: 50 });
    try {
      const jobId = await addJob(r.client);
      await r.client.task.add(jobId, { id: 'short', commandLine: 'echo hi', constraints: { retentionTime: 'PT0.2S' } });
      await r.client.task.add(jobId, { id: 'kept', commandLine: 'echo hi' });
      await waitForTaskState(r.client, jobId, 'short');
      await waitForTaskState(r.client, jobId, 'kept');
      const stillThere: BatchErrorShape = { code: 'still there' };
      const error = await waitFor(() => batchError(r.client.file.listFromTask(jobId, 'short')).catch(() => stillThere), (e) => e.code === 'TaskFilesCleanedup', 5000);
      expect(error.statusCode).toBe(409);
      expect((await r.client.task.get(jobId, 'short')).executionInfo?.result).toBe('success');
      expect((await r.client.file.listFromTask(jobId, 'kept')).length).toBeGreaterThan(0);
    } finally {
      await r.close();
    }
  });
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}
