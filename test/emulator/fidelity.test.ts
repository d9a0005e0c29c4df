import { addJob, batchError, detail, signedFetch, startHarness, uniqueId, waitForTaskState, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ persistence: 'memory', pools: [{ id: 'local', nodeCount: 1, taskSlotsPerNode: 2 }, { id: 'idle', nodeCount: 0, taskSlotsPerNode: 1 }] });
});
afterAll(() => h.close());

const V = 'api-version=2022-10-01.16.0';
const SEVEN_DIGITS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

describe('details a generated-request fuzzer found, as Batch has them', () => {
  test('a $filter comparing an enum property with a value Batch does not define is 400 InvalidQueryParameterValue, not an empty list', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    await h.client.task.add(jobId, { id: 't', commandLine: 'true' });
    const calls = [
      h.client.task.list(jobId, { taskListOptions: { filter: "state eq 'bogus'" } }),
      h.client.task.list(jobId, { taskListOptions: { filter: "executionInfo/result eq 'maybe'" } }),
      h.client.job.list({ jobListOptions: { filter: "state eq 'sleeping'" } }),
      h.client.pool.list({ poolListOptions: { filter: "allocationState eq 'growing'" } }),
      h.client.computeNode.list('local', { computeNodeListOptions: { filter: "state eq 'asleep'" } }),
    ];
    for (const call of calls) {
      const error = await batchError(call);
      expect([error.statusCode, error.code, detail(error, 'QueryParameterName')]).toEqual([400, 'InvalidQueryParameterValue', '$filter']);
      expect(detail(error, 'Reason')).toMatch(/is not a value of/);
    }
    // Defined values, in any case, still filter.
    expect((await h.client.task.list(jobId, { taskListOptions: { filter: "state eq 'Active'" } })).map((task) => task.id)).toEqual(['t']);
    expect(await h.client.task.list(jobId, { taskListOptions: { filter: "state eq 'completed'" } })).toHaveLength(0);
  });

  test('nested pool properties on patch and update are validated as Batch does, and a refused change leaves the pool as it was', async () => {
    const poolId = uniqueId('pool');
    await h.client.pool.add({ id: poolId, vmSize: 'small' });
    const before = await h.client.pool.get(poolId);
    const patch = (body: object) => signedFetch(`${h.emulator.url}/pools/${poolId}?${V}`, 'PATCH', { body: JSON.stringify(body) });
    const update = (body: object) => signedFetch(`${h.emulator.url}/pools/${poolId}/updateproperties?${V}`, 'POST', { body: JSON.stringify(body) });
    const refusals: Array<[Promise<Awaited<ReturnType<typeof patch>>>, string, string]> = [
      [patch({ startTask: { waitForSuccess: true } }), 'MissingRequiredProperty', 'startTask.commandLine'],
      [patch({ startTask: { commandLine: 'true', colour: 'blue' } }), 'InvalidRequestBody', 'startTask.colour'],
      [patch({ startTask: { commandLine: 'true', maxTaskRetryCount: -2 } }), 'InvalidPropertyValue', 'startTask.maxTaskRetryCount'],
      [patch({ startTask: { commandLine: 'true', resourceFiles: [{ httpUrl: 'http://x/y', filePath: '../../etc/passwd' }] } }), 'InvalidPropertyValue', 'startTask.resourceFiles[0].filePath'],
      [patch({ certificateReferences: [{ thumbprint: 'abc' }] }), 'MissingRequiredProperty', 'certificateReferences[0].thumbprintAlgorithm'],
      [patch({ certificateReferences: [{ thumbprint: 'abc', thumbprintAlgorithm: 'md5' }] }), 'InvalidPropertyValue', 'certificateReferences[0].thumbprintAlgorithm'],
      [patch({ certificateReferences: [{ thumbprint: 'abc', thumbprintAlgorithm: 'sha1', visibility: ['everyone'] }] }), 'InvalidPropertyValue', 'certificateReferences[0].visibility[0]'],
      [update({ startTask: { commandLine: 42 }, certificateReferences: [], applicationPackageReferences: [], metadata: [] }), 'InvalidRequestBody', 'startTask.commandLine'],
      [update({ certificateReferences: [{ thumbprint: 'abc', thumbprintAlgorithm: 'sha1', storeLocation: 'attic' }], applicationPackageReferences: [], metadata: [] }), 'InvalidPropertyValue', 'certificateReferences[0].storeLocation'],
    ];
    for (const [call, code, property] of refusals) {
      const response = await call;
      expect([response.status, response.json().code, response.json().values?.find((value) => value.key === 'PropertyName')?.value]).toEqual([400, code, property]);
    }
    const after = await h.client.pool.get(poolId);
    expect([after.eTag, after.startTask, after.certificateReferences]).toEqual([before.eTag, undefined, undefined]);

    await h.client.pool.patch(poolId, {
      startTask: { commandLine: '/bin/true', maxTaskRetryCount: 2, waitForSuccess: true, environmentSettings: [{ name: 'A', value: '1' }] },
      certificateReferences: [{ thumbprint: 'abc', thumbprintAlgorithm: 'SHA1', storeLocation: 'localmachine', visibility: ['task'] }],
    });
    const patched = await h.client.pool.get(poolId);
    expect(patched.startTask).toMatchObject({ commandLine: '/bin/true', maxTaskRetryCount: 2, waitForSuccess: true });
    expect(patched.certificateReferences).toEqual([{ thumbprint: 'abc', thumbprintAlgorithm: 'SHA1', storeLocation: 'localmachine', visibility: ['task'] }]);
  });

  test('a pool add checks its start task and user accounts the same way', async () => {
    const add = (extra: object) => signedFetch(`${h.emulator.url}/pools?${V}`, 'POST', { body: JSON.stringify({ id: uniqueId('pool'), vmSize: 'small', ...extra }) });
    const noPassword = await add({ userAccounts: [{ name: 'worker' }] });
    expect([noPassword.json().code, detail({ body: noPassword.json() }, 'PropertyName')]).toEqual(['MissingRequiredProperty', 'userAccounts[0].password']);
    const halfLinux = await add({ userAccounts: [{ name: 'worker', password: 'p', linuxUserConfiguration: { uid: 1000 } }] });
    expect([halfLinux.json().code, detail({ body: halfLinux.json() }, 'PropertyName')]).toEqual(['InvalidPropertyValue', 'userAccounts[0].linuxUserConfiguration']);
    const badStart = await add({ startTask: { commandLine: 'x', userIdentity: { autoUser: { scope: 'everywhere' } } } });
    expect([badStart.json().code, detail({ body: badStart.json() }, 'PropertyName')]).toEqual(['InvalidPropertyValue', 'startTask.userIdentity.autoUser.scope']);
  });

  test('timestamps carry seven fractional digits as Batch\'s do, the SDK still parses them, and a filter compares them to the tick', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 'first', commandLine: 'true' });
    await waitForTaskState(h.client, jobId, 'first');
    const raw = await signedFetch(`${h.emulator.url}/jobs/${jobId}/tasks/first?${V}`, 'GET');
    const wire = raw.json() as unknown as Record<string, string> & { executionInfo: Record<string, string> };
    for (const value of [wire.creationTime, wire.lastModified, wire.stateTransitionTime, wire.previousStateTransitionTime, wire.executionInfo.startTime, wire.executionInfo.endTime]) {
      expect(value).toMatch(SEVEN_DIGITS);
    }
    const parsed = await h.client.task.get(jobId, 'first');
    expect(parsed.stateTransitionTime).toBeInstanceOf(Date);
    expect(parsed.stateTransitionTime!.getTime()).toBe(Date.parse(wire.stateTransitionTime));

    // `gt` the task's own exact time excludes it; one tick earlier includes it.
    const exact = wire.stateTransitionTime;
    const oneTickEarlier = exact.replace(/(\d{4})Z$/, (digits) => `${String(Number(digits.slice(0, 4)) - 1).padStart(4, '0')}Z`);
    const since = (time: string) => h.client.task.list(jobId, { taskListOptions: { filter: `stateTransitionTime gt datetime'${time}'` } });
    if (!exact.endsWith('0000Z')) expect((await since(oneTickEarlier)).map((task) => task.id)).toEqual(['first']);
    expect(await since(exact)).toHaveLength(0);

    const error = await signedFetch(`${h.emulator.url}/jobs/nope?${V}`, 'GET');
    expect(error.json().message?.value).toMatch(/\nTime:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
  });

  test('client-request-id is echoed only when return-client-request-id asks for it', async () => {
    const id = '0f0e0d0c-0b0a-4090-8070-605040302010';
    const silent = await signedFetch(`${h.emulator.url}/pools/local?${V}`, 'GET', { headers: { 'client-request-id': id } });
    expect(silent.headers.get('client-request-id')).toBeNull();
    const refused = await signedFetch(`${h.emulator.url}/pools/nope?${V}`, 'GET', { headers: { 'client-request-id': id, 'return-client-request-id': 'false' } });
    expect(refused.headers.get('client-request-id')).toBeNull();
    const echoed = await signedFetch(`${h.emulator.url}/pools/local?${V}`, 'GET', { headers: { 'client-request-id': id, 'return-client-request-id': 'true' } });
    expect(echoed.headers.get('client-request-id')).toBe(id);
    expect(echoed.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a deeply nested JSON body is 400 InvalidRequestBody, not a 500, and the service goes on answering', async () => {
    const deep = `{"id": "deep", "poolInfo": {"poolId": "idle"}, "metadata": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const response = await signedFetch(`${h.emulator.url}/jobs?${V}`, 'POST', { body: deep });
    expect([response.status, response.json().code]).toEqual([400, 'InvalidRequestBody']);
    expect(detail({ body: response.json() }, 'Reason')).toMatch(/levels deep/);
    const objects = `{"id": "deep2", "poolInfo": {"poolId": "idle"}, "x": ${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`;
    expect((await signedFetch(`${h.emulator.url}/jobs?${V}`, 'POST', { body: objects })).status).toBe(400);
    expect((await batchError(h.client.job.get('deep'))).code).toBe('JobNotFound');
    expect((await h.client.pool.get('local')).id).toBe('local');
  });
});
