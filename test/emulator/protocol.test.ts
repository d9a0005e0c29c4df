import { BatchServiceClient, BatchSharedKeyCredentials } from '@azure/batch';
import { DEFAULT_ACCOUNT_KEY } from '../../src/emulator';
import { addJob, batchError, detail, signedFetch, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ persistence: 'memory' });
});
afterAll(() => h.close());

describe('protocol: authentication, api-version and response shape', () => {
  test('GET /health answers 200 ok without authentication', async () => {
    const response = await fetch(`${h.emulator.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
  });

  test('a request signed by BatchSharedKeyCredentials with the account key is accepted', async () => {
    const pool = await h.client.pool.get('local');
    expect(pool.id).toBe('local');
  });

  test('a signature made with the wrong key is refused with 403 AuthenticationFailed and Batch error body', async () => {
    const wrong = new BatchServiceClient(new BatchSharedKeyCredentials('localbatch', Buffer.from('not the key').toString('base64')), h.emulator.url);
    const error = await batchError(wrong.pool.get('local'));
    expect(error.statusCode).toBe(403);
    expect(error.code).toBe('AuthenticationFailed');
    expect(error.body?.message?.lang).toBe('en-US');
    expect(error.body?.message?.value).toMatch(/^Server failed to authenticate the request\..*\nRequestId:[0-9a-f-]+\nTime:/s);
    expect(detail(error, 'AuthenticationErrorDetail')).toContain('is not the same as any computed signature');
  });

  test('a request for another account name is refused with 403 AuthenticationFailed', async () => {
    const other = new BatchServiceClient(new BatchSharedKeyCredentials('otheraccount', DEFAULT_ACCOUNT_KEY), h.emulator.url);
    expect((await batchError(other.pool.get('local'))).code).toBe('AuthenticationFailed');
  });

  test('a request without an Authorization header is refused with 403 AuthenticationFailed', async () => {
    const response = await fetch(`${h.emulator.url}/pools/local?api-version=2022-10-01.16.0`);
    expect(response.status).toBe(403);
    const body = (await response.json()) as Record<string, string>;
    expect(body.code).toBe('AuthenticationFailed');
    expect(body['odata.metadata']).toMatch(/\$metadata#Microsoft\.Azure\.Batch\.Protocol\.Entities\.Container\.errors\/@Element$/);
    expect(response.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a bearer token is refused unless the acceptBearerTokens test flag is on', async () => {
    const headers = { Authorization: 'Bearer some.token.value' };
    const refused = await fetch(`${h.emulator.url}/pools/local?api-version=2022-10-01.16.0`, { headers });
    expect(refused.status).toBe(403);
    const lenient = await startHarness({ persistence: 'memory', acceptBearerTokens: true });
    try {
      const accepted = await fetch(`${lenient.emulator.url}/pools/local?api-version=2022-10-01.16.0`, { headers });
      expect(accepted.status).toBe(200);
      expect(((await accepted.json()) as { id: string }).id).toBe('local');
    } finally {
      await lenient.close();
    }
  });

  test('a signature over a stale ocp-date (older than 15 minutes) is refused with 403 AuthenticationFailed', async () => {
    const stale = new Date(Date.now() - 20 * 60_000).toUTCString();
    const response = await signedFetch(`${h.emulator.url}/pools/local?api-version=2022-10-01.16.0`, 'GET', { headers: { 'ocp-date': stale } });
    expect(response.status).toBe(403);
    expect(response.json().values?.[0].value).toMatch(/too old/);
  });

  test('every response carries request-id and echoes the client-request-id', async () => {
    const response = await h.client.pool.get('local', { poolGetOptions: { clientRequestId: '0f0e0d0c-0b0a-4090-8070-605040302010', returnClientRequestId: true } });
    expect(response.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.clientRequestId).toBe('0f0e0d0c-0b0a-4090-8070-605040302010');
    expect(response.eTagHeader).toBe(response.eTag);
    expect(response.lastModifiedHeader).toBeInstanceOf(Date);
  });

  test('a missing api-version gets 400 MissingRequiredQueryParameter naming api-version', async () => {
    const response = await signedFetch(`${h.emulator.url}/pools/local`, 'GET');
    expect(response.status).toBe(400);
    expect(response.json().code).toBe('MissingRequiredQueryParameter');
    expect(response.json().values).toEqual([{ key: 'QueryParameterName', value: 'api-version' }]);
  });

  test('an unknown api-version gets 400 UnsupportedRequestVersion', async () => {
    const response = await signedFetch(`${h.emulator.url}/pools/local?api-version=2015-01-01.1.0`, 'GET');
    expect(response.status).toBe(400);
    expect(response.json().code).toBe('UnsupportedRequestVersion');
  });

  test.each(['2023-05-01.17.0', '2023-11-01.18.0', '2024-02-01.19.0', '2024-07-01.20.0', '2025-06-01'])('api-version %s is served as well as 2022-10-01.16.0', async (version) => {
    const client = new BatchServiceClient(new BatchSharedKeyCredentials('localbatch', DEFAULT_ACCOUNT_KEY), h.emulator.url);
    client.apiVersion = version;
    const jobId = await addJob(client);
    expect((await client.job.get(jobId)).id).toBe(jobId);
  });

  test('a property a version defines (containerHostBatchBindMounts, 2024-07-01.20.0) is accepted there and unknown to 2022-10-01.16.0', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'nowhere' } });
    const body = JSON.stringify({ id: 't', commandLine: 'true', containerSettings: { imageName: 'alpine', containerHostBatchBindMounts: [{ source: 'Task', isReadOnly: true }] } });
    const old = await signedFetch(`${h.emulator.url}/jobs/${jobId}/tasks?api-version=2022-10-01.16.0`, 'POST', { body });
    expect(old.status).toBe(400);
    expect(old.json().values).toContainEqual({ key: 'PropertyName', value: 'containerSettings.containerHostBatchBindMounts' });
    const newer = await signedFetch(`${h.emulator.url}/jobs/${jobId}/tasks?api-version=2024-07-01.20.0`, 'POST', { body });
    expect(newer.status).toBe(201);
  });

  test('an unknown path gets 400 InvalidUri and a wrong verb gets 405 UnsupportedHttpVerb', async () => {
    expect((await signedFetch(`${h.emulator.url}/nothing/here?api-version=2022-10-01.16.0`, 'GET')).json().code).toBe('InvalidUri');
    const verb = await signedFetch(`${h.emulator.url}/jobs/x/taskcounts?api-version=2022-10-01.16.0`, 'DELETE');
    expect(verb.status).toBe(405);
    expect(verb.json().code).toBe('UnsupportedHttpVerb');
  });

  test('If-None-Match with the current ETag makes a get answer 304 Not Modified; If-Match with another ETag makes a change fail with 412', async () => {
    const jobId = await addJob(h.client);
    const job = await h.client.job.get(jobId);
    const notModified = await signedFetch(`${h.emulator.url}/jobs/${jobId}?api-version=2022-10-01.16.0`, 'GET', { headers: { 'If-None-Match': job.eTag! } });
    expect(notModified.status).toBe(304);
    const error = await batchError(h.client.job.patch(jobId, { priority: 5 }, { jobPatchOptions: { ifMatch: '0x1' } }));
    expect(error.statusCode).toBe(412);
    expect(error.code).toBe('ConditionNotMet');
    await h.client.job.patch(jobId, { priority: 5 }, { jobPatchOptions: { ifMatch: job.eTag } });
    expect((await h.client.job.get(jobId)).priority).toBe(5);
  });
});
