import { addJob, batchError, detail, signedFetch, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ persistence: 'memory', pools: [{ id: 'local', nodeCount: 1, taskSlotsPerNode: 1 }, { id: 'idle', nodeCount: 0, taskSlotsPerNode: 1 }] });
});
afterAll(() => h.close());

const V = 'api-version=2022-10-01.16.0';
const post = (path: string, body: string) => signedFetch(`${h.emulator.url}${path}?${V}`, 'POST', { body });

describe('bad input gets Batch\'s error naming the property, and changes nothing', () => {
  test('malformed JSON gets 400 InvalidRequestBody', async () => {
    const response = await post('/jobs', '{"id": "broken", "poolInfo": ');
    expect(response.status).toBe(400);
    expect(response.json().code).toBe('InvalidRequestBody');
    expect((await batchError(h.client.job.get('broken'))).code).toBe('JobNotFound');
  });

  test('a body that is not a JSON object gets 400 InvalidRequestBody', async () => {
    expect((await post('/jobs', '[1, 2]')).json().code).toBe('InvalidRequestBody');
    expect((await post('/jobs', '"text"')).json().code).toBe('InvalidRequestBody');
  });

  test('a property of the wrong type gets 400 InvalidRequestBody naming it', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    const response = await post(`/jobs/${jobId}/tasks`, JSON.stringify({ id: 't', commandLine: 'true', requiredSlots: 'two' }));
    expect(response.status).toBe(400);
    expect(response.json().code).toBe('InvalidRequestBody');
    expect(response.json().values).toContainEqual({ key: 'PropertyName', value: 'requiredSlots' });
    expect(await h.client.task.list(jobId)).toHaveLength(0);
  });

  test('an unknown property gets 400 InvalidRequestBody naming it, also when nested', async () => {
    const top = await post('/jobs', JSON.stringify({ id: 'unknown-field', poolInfo: { poolId: 'local' }, colour: 'blue' }));
    expect(top.json().code).toBe('InvalidRequestBody');
    expect(top.json().values).toContainEqual({ key: 'PropertyName', value: 'colour' });
    const nested = await post('/jobs', JSON.stringify({ id: 'unknown-nested', poolInfo: { poolId: 'local', zone: 1 } }));
    expect(nested.json().values).toContainEqual({ key: 'PropertyName', value: 'poolInfo.zone' });
    expect((await batchError(h.client.job.get('unknown-field'))).code).toBe('JobNotFound');
  });

  test('a missing required property gets 400 MissingRequiredProperty naming it', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    const response = await post(`/jobs/${jobId}/tasks`, JSON.stringify({ id: 't' }));
    expect(response.json().code).toBe('MissingRequiredProperty');
    expect(response.json().values).toEqual([{ key: 'PropertyName', value: 'commandLine' }]);
    const job = await post('/jobs', JSON.stringify({ id: 'no-pool' }));
    expect(job.json().values).toEqual([{ key: 'PropertyName', value: 'poolInfo' }]);
  });

  test.each([
    ['longer than 64 characters', 'x'.repeat(65)],
    ['with a space', 'has space'],
    ['with a dot', 'a.b'],
    ['empty', ''],
  ])('an id %s gets 400 InvalidPropertyValue for id', async (_, id) => {
    const error = await batchError(h.client.job.add({ id, poolInfo: { poolId: 'local' } }));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('InvalidPropertyValue');
    expect(detail(error, 'PropertyName')).toBe('id');
  });

  test('an id of exactly 64 letters, digits, hyphens and underscores is accepted', async () => {
    const id = `A_b-9${'z'.repeat(59)}`;
    await h.client.job.add({ id, poolInfo: { poolId: 'idle' } });
    expect((await h.client.job.get(id)).id).toBe(id);
  });

  test('out-of-range and malformed values get InvalidPropertyValue naming the property', async () => {
    const priority = await batchError(h.client.job.add({ id: 'prio', poolInfo: { poolId: 'local' }, priority: 5000 }));
    expect([priority.code, detail(priority, 'PropertyName')]).toEqual(['InvalidPropertyValue', 'priority']);
    const duration = await post('/jobs', JSON.stringify({ id: 'dur', poolInfo: { poolId: 'local' }, constraints: { maxWallClockTime: 'one hour' } }));
    expect([duration.json().code, duration.json().values?.[0].value]).toEqual(['InvalidPropertyValue', 'constraints.maxWallClockTime']);
    const enumValue = await post('/jobs', JSON.stringify({ id: 'enum', poolInfo: { poolId: 'local' }, onAllTasksComplete: 'explode' }));
    expect([enumValue.json().code, enumValue.json().values?.[0].value]).toEqual(['InvalidPropertyValue', 'onAllTasksComplete']);
    const slots = await post('/jobs/x/tasks', JSON.stringify({ id: 't', commandLine: 'true', requiredSlots: 0 }));
    expect(slots.json().code).toBe('JobNotFound');
  });

  test('resource files need exactly one source and a filePath inside the working directory', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' } });
    const two = await batchError(h.client.task.add(jobId, { id: 'a', commandLine: 'true', resourceFiles: [{ httpUrl: 'http://x/y', storageContainerUrl: 'http://x/c', filePath: 'y' }] }));
    expect([two.code, detail(two, 'PropertyName')]).toEqual(['InvalidPropertyValue', 'resourceFiles[0]']);
    const escape = await batchError(h.client.task.add(jobId, { id: 'b', commandLine: 'true', resourceFiles: [{ httpUrl: 'http://x/y', filePath: '../../etc/x' }] }));
    expect([escape.code, detail(escape, 'PropertyName')]).toEqual(['InvalidPropertyValue', 'resourceFiles[0].filePath']);
    const noPath = await batchError(h.client.task.add(jobId, { id: 'c', commandLine: 'true', resourceFiles: [{ httpUrl: 'http://x/y' }] }));
    expect([noPath.code, detail(noPath, 'PropertyName')]).toEqual(['MissingRequiredProperty', 'resourceFiles[0].filePath']);
    expect(await h.client.task.list(jobId)).toHaveLength(0);
  });

  test('a request body over 1 MB gets 413 RequestBodyTooLarge', async () => {
    const response = await post('/jobs', JSON.stringify({ id: 'huge', poolInfo: { poolId: 'local' }, displayName: 'x'.repeat(1_100_000) }));
    expect(response.status).toBe(413);
    expect(response.json().code).toBe('RequestBodyTooLarge');
  });

  test('a failed patch leaves the job exactly as it was', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'idle' }, priority: 7 });
    const before = await h.client.job.get(jobId);
    const response = await signedFetch(`${h.emulator.url}/jobs/${jobId}?${V}`, 'PATCH', { body: JSON.stringify({ priority: 9, maxParallelTasks: 'lots' }) });
    expect(response.json().code).toBe('InvalidRequestBody');
    const after = await h.client.job.get(jobId);
    expect([after.priority, after.eTag]).toEqual([7, before.eTag]);
  });

  test('a malformed $filter or a filter on an unknown property gets 400 InvalidQueryParameterValue for $filter', async () => {
    for (const filter of ["state eq 'active' and", "colour eq 'blue'", "state eq active", "id eq 'unterminated"]) {
      const error = await batchError(h.client.job.list({ jobListOptions: { filter } }));
      expect([error.statusCode, error.code, detail(error, 'QueryParameterName')]).toEqual([400, 'InvalidQueryParameterValue', '$filter']);
    }
  });

  test('maxresults outside 1..1000 gets 400 InvalidQueryParameterValue', async () => {
    const response = await signedFetch(`${h.emulator.url}/jobs?${V}&maxresults=5000`, 'GET');
    expect(response.json().code).toBe('InvalidQueryParameterValue');
    expect(response.json().values).toContainEqual({ key: 'QueryParameterName', value: 'maxresults' });
  });

  test('a forged continuation token gets 400 InvalidQueryParameterValue', async () => {
    const response = await signedFetch(`${h.emulator.url}/jobs?${V}&$skiptoken=forged`, 'GET');
    expect(response.json().code).toBe('InvalidQueryParameterValue');
  });
});
