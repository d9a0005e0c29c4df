import { batchOperation, storageOperation } from '../../../src/telemetry/azureOperation';

describe('Azure operation labels', () => {
  it('names Batch calls by method and path with ids left out', () => {
    const base = 'https://account.westeurope.batch.azure.com';
    expect(batchOperation('post', `${base}/jobs?api-version=2022-10-01.16.0`)).toBe('POST /jobs');
    expect(batchOperation('GET', `${base}/jobs/job-1/tasks/10000000?api-version=x`)).toBe('GET /jobs/{id}/tasks/{id}');
    expect(batchOperation('POST', `${base}/jobs/My_Job/addtaskcollection`)).toBe('POST /jobs/{id}/addtaskcollection');
    expect(batchOperation('GET', `${base}/jobs/a/taskcounts`)).toBe('GET /jobs/{id}/taskcounts');
    expect(batchOperation('POST', `${base}/jobs/a/tasks/10000001/reactivate`)).toBe('POST /jobs/{id}/tasks/{id}/reactivate');
    expect(batchOperation('GET', `${base}/jobs/a/tasks/t/files/wd/JobOutput/x.txt`)).toBe('GET /jobs/{id}/tasks/{id}/files/{path}');
    expect(batchOperation('GET', `${base}/pools/local`)).toBe('GET /pools/{id}');
  });

  it('names Blob Storage calls the same for Azure and Azurite URLs', () => {
    const azure = 'https://account.blob.core.windows.net/job-1/10000000/result.json';
    const azurite = 'http://127.0.0.1:10000/devstoreaccount1/job-1/10000000/result.json';
    expect(storageOperation('HEAD', azure)).toBe(storageOperation('HEAD', azurite));
    expect(storageOperation('HEAD', azure)).toBe('HEAD blob');
    expect(storageOperation('PUT', `${azure}?comp=block&blockid=abc`)).toBe('PUT blob?comp=block');
    expect(storageOperation('PUT', 'https://account.blob.core.windows.net/job-1?restype=container')).toBe('PUT container');
    expect(storageOperation('GET', 'https://account.blob.core.windows.net/job-1?restype=container&comp=list&prefix=1')).toBe('GET container?comp=list');
    expect(storageOperation('GET', 'https://account.blob.core.windows.net/?comp=list')).toBe('GET service?comp=list');
  });
});
