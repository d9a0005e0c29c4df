import type { BatchServiceModels } from '@azure/batch';
import { addJob, signedFetch, startHarness, uniqueId, waitForTaskState, type Harness } from './harness';

/**
 * Answers the conformance replay found differing from recorded Batch traffic, checked
 * through the official client: headers per operation, enum values and query names in any
 * letter case, pool keys that depend on its state, and the account-level lists.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ persistence: 'memory', pools: [{ id: 'local', nodeCount: 1, taskSlotsPerNode: 2 }] });
});
afterAll(() => h.close());

const headersOf = (result: { _response: { headers: { get(name: string): string | undefined } } }) => ({
  etag: result._response.headers.get('etag'),
  lastModified: result._response.headers.get('last-modified'),
  dataServiceId: result._response.headers.get('dataserviceid'),
});

describe('headers as Batch sends them per operation', () => {
  test('deleting a job or a pool answers 202 with neither ETag, Last-Modified nor DataServiceId', async () => {
    const jobId = await addJob(h.client);
    expect(headersOf(await h.client.job.deleteMethod(jobId))).toEqual({ etag: undefined, lastModified: undefined, dataServiceId: undefined });
    const poolId = uniqueId('pool');
    await h.client.pool.add({ id: poolId, vmSize: 'standard_d2s_v3', targetDedicatedNodes: 0 });
    expect(headersOf(await h.client.pool.deleteMethod(poolId))).toEqual({ etag: undefined, lastModified: undefined, dataServiceId: undefined });
  });

  test('an action names its own URL in DataServiceId; exists and reactivate send the version only', async () => {
    const jobId = await addJob(h.client);
    const terminated = headersOf(await h.client.job.terminate(jobId));
    expect(terminated.etag).toMatch(/^0x/);
    expect(terminated.dataServiceId).toMatch(new RegExp(`/jobs/${jobId}/terminate$`));

    const exists = headersOf(await h.client.pool.exists('local'));
    expect(exists.etag).toMatch(/^0x/);
    expect(exists.dataServiceId).toBeUndefined();

    const failing = await addJob(h.client);
    await h.client.task.add(failing, { id: 't', commandLine: '/bin/false' });
    await waitForTaskState(h.client, failing, 't');
    const reactivated = headersOf(await h.client.task.reactivate(failing, 't'));
    expect(reactivated.etag).toMatch(/^0x/);
    expect(reactivated.dataServiceId).toBeUndefined();
  });

  test('task counts and a compute node are read without ETag or Last-Modified', async () => {
    const jobId = await addJob(h.client);
    expect(headersOf(await h.client.job.getTaskCounts(jobId))).toEqual({ etag: undefined, lastModified: undefined, dataServiceId: undefined });
    const [node] = await h.client.computeNode.list('local');
    expect(headersOf(await h.client.computeNode.get('local', node.id!))).toEqual({ etag: undefined, lastModified: undefined, dataServiceId: undefined });
  });
});

describe('letter case', () => {
  test('enum values are read in any case: an output file uploaded on "TaskCompletion" is accepted', async () => {
    const jobId = await addJob(h.client);
    const outputFiles = [
      {
        filePattern: '../stdout.txt',
        destination: { container: { containerUrl: 'https://example.invalid/container?se=token' } },
        uploadOptions: { uploadCondition: 'TaskCompletion' as BatchServiceModels.OutputFileUploadCondition },
      },
    ];
    await h.client.task.add(jobId, { id: 'mixed-case', commandLine: '/bin/true', outputFiles });
    expect((await h.client.task.get(jobId, 'mixed-case')).outputFiles?.[0].uploadOptions.uploadCondition).toBe('taskcompletion');
  });

  test('query parameter names are read in any case: maxResults=-5 is refused naming maxresults', async () => {
    const response = await signedFetch(`${h.emulator.url}/pools?maxResults=-5&api-version=2023-11-01.18.0`, 'GET');
    expect(response.status).toBe(400);
    expect(response.json().code).toBe('InvalidQueryParameterValue');
    expect(response.json().values).toContainEqual({ key: 'QueryParameterName', value: 'maxresults' });
  });

  test('property names are not: a misspelled upgrade policy property is refused, the spec\'s spelling accepted', async () => {
    const body = (policy: string) => JSON.stringify({ id: uniqueId('pool'), vmSize: 'standard_d2s_v3', upgradePolicy: { mode: 'automatic', [policy]: { enableAutomaticOSUpgrade: true } } });
    const misspelled = await signedFetch(`${h.emulator.url}/pools?api-version=2024-02-01.19.0`, 'POST', { body: body('automaticOsUpgradePolicy') });
    expect(misspelled.status).toBe(400);
    expect(misspelled.json().code).toBe('InvalidRequestBody');
    expect(misspelled.text).toContain('automaticOsUpgradePolicy');
    expect((await signedFetch(`${h.emulator.url}/pools?api-version=2024-02-01.19.0`, 'POST', { body: body('automaticOSUpgradePolicy') })).status).toBe(201);
  });
});

describe('pools and jobs as Batch shows them', () => {
  test('currentNodeCommunicationMode is shown only while the pool has nodes', async () => {
    const poolId = uniqueId('pool');
    await h.client.pool.add({ id: poolId, vmSize: 'standard_d2s_v3', targetDedicatedNodes: 0 });
    expect((await h.client.pool.get(poolId)).currentNodeCommunicationMode).toBeUndefined();
    expect((await h.client.pool.get('local')).currentNodeCommunicationMode).toBeDefined();
  });

  test('update properties leaves an empty package list out and sets the target communication mode to default', async () => {
    const poolId = uniqueId('pool');
    await h.client.pool.add({ id: poolId, vmSize: 'standard_d2s_v3', targetDedicatedNodes: 0 });
    await h.client.pool.updateProperties(poolId, { certificateReferences: [], applicationPackageReferences: [], metadata: [{ name: 'a', value: 'b' }] });
    const pool = await h.client.pool.get(poolId);
    expect(pool.applicationPackageReferences).toBeUndefined();
    expect(pool.certificateReferences).toEqual([]);
    expect(pool.targetNodeCommunicationMode).toBe('default');
  });

  test('a job update may carry the job\'s own id, not another (raw request: the client drops an id it has no field for)', async () => {
    const jobId = await addJob(h.client);
    const update = (id: string) =>
      signedFetch(`${h.emulator.url}/jobs/${jobId}?api-version=2024-02-01.19.0`, 'PUT', { body: JSON.stringify({ id, priority: 5, poolInfo: { poolId: 'local' } }) });
    expect((await update(jobId)).status).toBe(200);
    expect((await h.client.job.get(jobId)).priority).toBe(5);
    const refused = await update('someone-else');
    expect(refused.status).toBe(400);
    expect(refused.json().code).toBe('InvalidPropertyValue');
    expect(refused.json().values).toContainEqual({ key: 'PropertyName', value: 'id' });
  });
});

describe('account lists', () => {
  test('supported images page by maxResults with odata.nextLink', async () => {
    const first = await h.client.account.listSupportedImages({ accountListSupportedImagesOptions: { maxResults: 2 } });
    expect(first).toHaveLength(2);
    expect(first.odatanextLink).toBeDefined();
    const rest = await h.client.account.listSupportedImagesNext(first.odatanextLink!);
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.map((image) => image.imageReference.sku)).not.toContain(first[0].imageReference.sku);
  });

  test('pool usage metrics give core hours per 30-minute interval for pools with nodes', async () => {
    const metrics = await h.client.pool.listUsageMetrics();
    const local = metrics.filter((entry) => entry.poolId === 'local');
    expect(local.length).toBeGreaterThan(0);
    const latest = local[local.length - 1];
    expect(latest.endTime.getTime() - latest.startTime.getTime()).toBe(30 * 60_000);
    expect(latest.totalCoreHours).toBeGreaterThan(0);
    expect(latest.vmSize).toBe('standard_d2s_v3');
  });

  test('lifetime statistics answer 400 LifetimeStatsAPIRetired, as Batch has since April 2023', async () => {
    for (const path of ['lifetimepoolstats', 'lifetimejobstats']) {
      const response = await signedFetch(`${h.emulator.url}/${path}?api-version=2022-10-01.16.0`, 'GET');
      expect(response.status).toBe(400);
      expect(response.json().code).toBe('LifetimeStatsAPIRetired');
    }
  });
});
