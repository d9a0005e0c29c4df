import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { addJob, batchError, readTaskFile, sh, startHarness, waitForTaskState, type Harness } from './harness';
import { startAzurite, type TestAzurite } from './azurite';

let h: Harness;
let azurite: TestAzurite;
let web: http.Server;
let webUrl: string;

beforeAll(async () => {
  [h, azurite] = await Promise.all([startHarness({ persistence: 'memory' }), startAzurite()]);
  web = http.createServer((request, response) => {
    if (request.url === '/data.txt') response.end('from http\n');
    else if (request.url === '/secret.txt') response.writeHead(403).end();
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => web.close(resolve));
  await Promise.all([h.close(), azurite.stop()]);
});

describe('resource files are downloaded before the task starts', () => {
  test('httpUrl lands at filePath in the working directory with its fileMode', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, {
      id: 'http',
      commandLine: sh('cat in/data.txt; stat -c %a in/data.txt'),
      resourceFiles: [{ httpUrl: `${webUrl}/data.txt`, filePath: 'in/data.txt', fileMode: '0640' }],
    });
    const task = await waitForTaskState(h.client, jobId, 'http');
    expect(task.executionInfo?.result).toBe('success');
    expect(await readTaskFile(h.client, jobId, 'http', 'stdout.txt')).toBe('from http\n640\n');
  });

  test('storageContainerUrl with blobPrefix downloads the matching blobs, keeping their paths under filePath', async () => {
    const url = await azurite.container('inputs-prefix');
    const container = azurite.blobService.getContainerClient('inputs-prefix');
    await container.getBlockBlobClient('set1/a.txt').upload('A', 1);
    await container.getBlockBlobClient('set1/sub/b.txt').upload('B', 1);
    await container.getBlockBlobClient('set2/c.txt').upload('C', 1);
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, {
      id: 'container',
      commandLine: sh('find inputs -type f | sort; cat inputs/set1/a.txt inputs/set1/sub/b.txt'),
      resourceFiles: [{ storageContainerUrl: url, blobPrefix: 'set1/', filePath: 'inputs' }],
    });
    await waitForTaskState(h.client, jobId, 'container');
    expect(await readTaskFile(h.client, jobId, 'container', 'stdout.txt')).toBe('inputs/set1/a.txt\ninputs/set1/sub/b.txt\nAB');
  });

  test('a resource file that does not exist fails the task in preparation with BlobNotFound, without running it', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 'missing', commandLine: sh('echo ran'), resourceFiles: [{ httpUrl: `${webUrl}/nope.txt`, filePath: 'x' }] });
    const task = await waitForTaskState(h.client, jobId, 'missing');
    expect(task.executionInfo).toMatchObject({ result: 'failure', failureInfo: { category: 'usererror', code: 'BlobNotFound' } });
    expect(task.executionInfo?.exitCode).toBeUndefined();
    expect(task.previousState).toBe('preparing');
    expect(await readTaskFile(h.client, jobId, 'missing', 'stdout.txt')).toBe('');
  });

  test('a resource file the server refuses fails the task with BlobAccessDenied', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 'denied', commandLine: 'true', resourceFiles: [{ httpUrl: `${webUrl}/secret.txt`, filePath: 's' }] });
    expect((await waitForTaskState(h.client, jobId, 'denied')).executionInfo?.failureInfo?.code).toBe('BlobAccessDenied');
  });
});

describe('output files are uploaded after the task by their upload condition', () => {
  test('../std*.txt goes to a virtual directory, JobOutput/** keeps sub-paths, a single file takes path as its blob name', async () => {
    const url = await azurite.container('outputs-rules');
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, {
      id: 'writer',
      commandLine: sh('mkdir -p JobOutput/deep/er && echo one > JobOutput/one.txt && echo two > JobOutput/deep/er/two.txt && echo r > result.json && echo log'),
      outputFiles: [
        { filePattern: '../std*.txt', destination: { container: { containerUrl: url, path: 'logs/$TaskLog' } }, uploadOptions: { uploadCondition: 'taskcompletion' } },
        { filePattern: 'JobOutput/**', destination: { container: { containerUrl: url, path: '$TaskOutput' } }, uploadOptions: { uploadCondition: 'tasksuccess' } },
        { filePattern: 'result.json', destination: { container: { containerUrl: url, path: 'results/r1.json' } }, uploadOptions: { uploadCondition: 'tasksuccess' } },
        { filePattern: 'result.json', destination: { container: { containerUrl: url } }, uploadOptions: { uploadCondition: 'taskcompletion' } },
        { filePattern: '**/*.txt', destination: { container: { containerUrl: url, path: 'failed-only' } }, uploadOptions: { uploadCondition: 'taskfailure' } },
      ],
    });
    const task = await waitForTaskState(h.client, jobId, 'writer');
    expect(task.executionInfo?.result).toBe('success');
    expect(await azurite.listBlobs('outputs-rules')).toEqual([
      '$TaskOutput/deep/er/two.txt',
      '$TaskOutput/one.txt',
      'logs/$TaskLog/stderr.txt',
      'logs/$TaskLog/stdout.txt',
      'result.json',
      'results/r1.json',
    ]);
    expect(await azurite.readBlob('outputs-rules', 'logs/$TaskLog/stdout.txt')).toBe('log\n');
    expect(await azurite.readBlob('outputs-rules', '$TaskOutput/deep/er/two.txt')).toBe('two\n');
  });

  test('specs upload one after another in their order: a later spec to the same blob wins, even a small file after a large one', async () => {
    const url = await azurite.container('outputs-order');
    const jobId = await addJob(h.client);
    const to = (filePattern: string) => ({ filePattern, destination: { container: { containerUrl: url, path: 'same.bin' } }, uploadOptions: { uploadCondition: 'taskcompletion' as const } });
    await h.client.task.add(jobId, {
      id: 'ordered',
      commandLine: sh('head -c 8000000 /dev/zero > large.bin && echo small > small.bin'),
      outputFiles: [to('large.bin'), to('small.bin')],
    });
    const task = await waitForTaskState(h.client, jobId, 'ordered');
    expect(task.executionInfo?.result).toBe('success');
    expect(await azurite.readBlob('outputs-order', 'same.bin')).toBe('small\n');
  });

  test('storage failing in passing (503) restarts the whole upload sequence, so the last file never lands without the first', async () => {
    const puts: string[] = [];
    let refused = false;
    const storage = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const blob = decodeURIComponent(new URL(request.url ?? '/', 'http://storage').pathname.split('/').pop() ?? '');
        if (blob === 'last.txt' && !refused) {
          refused = true;
          puts.push(`${blob} 503`);
          response.writeHead(503).end();
          return;
        }
        puts.push(`${blob} 201`);
        response.writeHead(201, { etag: '"1"', 'last-modified': new Date().toUTCString() }).end();
      });
    });
    await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve));
    try {
      const containerUrl = `http://127.0.0.1:${(storage.address() as AddressInfo).port}/devstoreaccount1/outputs-retried?sv=2021-01-01&sig=x`;
      const to = (filePattern: string) => ({ filePattern, destination: { container: { containerUrl, path: filePattern } }, uploadOptions: { uploadCondition: 'taskcompletion' as const } });
      const jobId = await addJob(h.client);
      await h.client.task.add(jobId, { id: 'retried', commandLine: sh('echo 1 > first.txt && echo 2 > last.txt'), outputFiles: [to('first.txt'), to('last.txt')] });
      const task = await waitForTaskState(h.client, jobId, 'retried');
      expect(task.executionInfo?.result).toBe('success');
      expect(puts).toEqual(['first.txt 201', 'last.txt 503', 'first.txt 201', 'last.txt 201']);
    } finally {
      await new Promise((resolve) => storage.close(resolve));
    }
  });

  test('a failed task uploads only its taskfailure and taskcompletion files', async () => {
    const url = await azurite.container('outputs-failure');
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, {
      id: 'broken',
      commandLine: sh('echo partial > partial.txt; exit 7'),
      outputFiles: [
        { filePattern: '*.txt', destination: { container: { containerUrl: url, path: 'on-failure' } }, uploadOptions: { uploadCondition: 'taskfailure' } },
        { filePattern: '*.txt', destination: { container: { containerUrl: url, path: 'on-success' } }, uploadOptions: { uploadCondition: 'tasksuccess' } },
      ],
    });
    const task = await waitForTaskState(h.client, jobId, 'broken');
    expect(task.executionInfo).toMatchObject({ exitCode: 7, result: 'failure' });
    expect(await azurite.listBlobs('outputs-failure')).toEqual(['on-failure/partial.txt']);
  });

  test('an upload that the storage service refuses fails the task with a usererror upload failure even though it exited 0', async () => {
    const readOnly = await azurite.container('outputs-readonly', 'r');
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, {
      id: 'cannot-upload',
      commandLine: sh('echo x > x.txt'),
      outputFiles: [{ filePattern: 'x.txt', destination: { container: { containerUrl: readOnly } }, uploadOptions: { uploadCondition: 'taskcompletion' } }],
    });
    const task = await waitForTaskState(h.client, jobId, 'cannot-upload');
    expect(task.executionInfo).toMatchObject({ exitCode: 0, result: 'failure', failureInfo: { category: 'usererror', code: 'FileUploadMiscError' } });
    expect(await readTaskFile(h.client, jobId, 'cannot-upload', 'fileuploaderr.txt')).toMatch(/x\.txt/);
  });
});

describe('task files through the file API', () => {
  test('files under the task directory can be listed (recursively), read with a byte range, inspected and deleted', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 'files', commandLine: sh('mkdir -p sub && printf 0123456789 > sub/digits.txt') });
    await waitForTaskState(h.client, jobId, 'files');
    const top = await h.client.file.listFromTask(jobId, 'files');
    expect(top.map((f) => f.name)).toEqual(expect.arrayContaining(['stderr.txt', 'stdout.txt', 'wd']));
    expect(top.some((f) => f.name?.includes('/'))).toBe(false);
    expect(top.find((f) => f.name === 'wd')?.isDirectory).toBe(true);
    const all = await h.client.file.listFromTask(jobId, 'files', { recursive: true });
    const digits = all.find((f) => f.name === 'wd/sub/digits.txt');
    expect(digits?.properties?.contentLength).toBe(10);
    const part = await h.client.file.getFromTask(jobId, 'files', 'wd/sub/digits.txt', { fileGetFromTaskOptions: { ocpRange: 'bytes=2-5' } });
    const chunks: Buffer[] = [];
    for await (const chunk of part.readableStreamBody!) chunks.push(Buffer.from(chunk));
    expect(Buffer.concat(chunks).toString()).toBe('2345');
    const props = await h.client.file.getPropertiesFromTask(jobId, 'files', 'wd/sub/digits.txt');
    expect(props.contentLength).toBe(10);
    expect(props.ocpBatchFileIsdirectory).toBe(false);
    await h.client.file.deleteFromTask(jobId, 'files', 'wd/sub/digits.txt');
    const error = await batchError(h.client.file.getPropertiesFromTask(jobId, 'files', 'wd/sub/digits.txt'));
    expect(error.statusCode).toBe(404);
  });

  test('a path that leaves the task directory, or a symlink the task made to outside it, is not found', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 't', commandLine: 'ln -s /etc/passwd escape' });
    await waitForTaskState(h.client, jobId, 't');
    expect((await batchError(readTaskFile(h.client, jobId, 't', '../../../../../../etc/passwd'))).statusCode).toBe(404);
    expect((await batchError(readTaskFile(h.client, jobId, 't', 'wd/escape'))).statusCode).toBe(404);
  });
});
