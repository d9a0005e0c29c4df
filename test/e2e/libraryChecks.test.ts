import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ArrayJob,
  ChildNotFoundError,
  deleteJob,
  DownloadDestinationError,
  JobDeletedError,
  jobObject,
  listArrayOutputs,
  mapSubmit,
  submit,
  type JobBodySpec,
  type ProviderSettings,
  type SubmitOptions,
} from '../../src/client';
import { InvalidSettingError } from '../../src/model/errors';
import { stackEnvironments } from './support/environments';
import { azureSdk } from '../support/azureSdk';

const square = path.join(__dirname, 'fixtures', 'square.ts');

describe('the client refuses bad input before anything is created', () => {
  const { local } = stackEnvironments();

  /** Blob containers of jobs and remote-batch workflows: what a refused submission must not add to. */
  async function created(): Promise<{ containers: string[]; workflows: number }> {
    const containers: string[] = [];
    for await (const container of azureSdk(local).blobs.listContainers({ prefix: 'job-' })) containers.push(container.name);
    const { count } = await (await local.client()).workflow.count('RemoteBatchEnvironment = "local/local"');
    return { containers: containers.sort(), workflows: count };
  }

  async function refusal(attempt: Promise<unknown>): Promise<InvalidSettingError> {
    const error = await attempt.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(InvalidSettingError);
    return error as InvalidSettingError;
  }

  it('names the field and what is allowed, and leaves no container and no workflow behind', async () => {
    const before = await created();
    const cases: { what: () => Promise<unknown>; field: string; says: string }[] = [
      { what: () => submit(local, { script: square, command: 'true' } as unknown as JobBodySpec), field: 'body', says: 'both script and command' },
      { what: () => submit(local, { script: square, args: [() => 2] }), field: 'body.args', says: 'args[0] is a function' },
      { what: () => submit(local, { script: square, args: [undefined] }), field: 'body.args', says: 'args[0] is undefined' },
      { what: () => submit(local, { script: square, args: [BigInt(2)] }), field: 'body.args', says: 'args[0] is a bigint' },
      { what: () => submit(local, { script: square, args: ['x'.repeat(20 * 1024 * 1024)] }), field: 'body.args', says: 'at most 256 KiB' },
      { what: () => submit(local, { command: 'true' }, null as unknown as SubmitOptions), field: 'options', says: 'submit options must be an object' },
      { what: () => submit(local, { command: 'true' }, { settings: null as unknown as ProviderSettings }), field: 'settings', says: 'settings must be an object' },
      { what: () => submit(local, { command: 'true' }, { VCPUCount: 2 } as unknown as SubmitOptions), field: 'VCPUCount', says: 'pass it as submit(…, { settings: { VCPUCount: … } })' },
      { what: () => submit(local, { command: 'true' }, { inputFile: ['a'] } as unknown as SubmitOptions), field: 'inputFile', says: "Did you mean 'inputFiles'?" },
      { what: () => submit(local, { command: 'true' }, { settings: { vcpuCount: 2 } as unknown as ProviderSettings }), field: 'vcpuCount', says: "Did you mean 'VCPUCount'?" },
      { what: () => submit(local, { command: 'true' }, { settings: { VCPUCount: null as unknown as number } }), field: 'VCPUCount', says: 'got null' },
      { what: () => submit(local, { command: 'true' }, { retryWindowInSeconds: -1 }), field: 'retryWindowInSeconds', says: 'a number of seconds, 0 or more' },
      { what: () => submit(local, { command: 'true' }, { inputFiles: [__dirname] }), field: 'inputFiles', says: 'is a folder' },
      { what: () => submit(local, { script: square, exportName: 'cube', args: [2] }), field: 'exportName', says: "has no export named 'cube'; it exports 'default'" },
      { what: () => mapSubmit(local, { command: 'true' }, [1, () => 2]), field: 'items', says: 'items[1] is a function' },
      { what: () => mapSubmit(local, { command: 'true' }, [1, undefined]), field: 'items', says: 'items[1] is undefined' },
      { what: () => mapSubmit(local, { command: 'true' }, Array.from({ length: 200_001 }, (_, i) => i), { spanSize: 2 }), field: 'spanSize', says: 'at most 100,000' },
      { what: () => mapSubmit(local, { command: 'true' }, [1], { spanSize: 0 }), field: 'spanSize', says: 'at least 1' },
      { what: () => mapSubmit(local, { command: 'true' }, [1], { turnsPerRun: 1.5 }), field: 'turnsPerRun', says: 'whole number' },
    ];
    for (const { what, field, says } of cases) {
      const error = await refusal(what());
      expect({ field: error.setting, message: error.message }).toEqual({ field, message: expect.stringContaining(says) });
    }
    expect(await created()).toEqual(before);
  });

  it('stops a submission whose abortSignal has fired with an AbortError, creating nothing', async () => {
    const before = await created();
    const controller = new AbortController();
    controller.abort();
    await expect(submit(local, { command: 'true' }, { abortSignal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(mapSubmit(local, { command: 'true' }, [1], { abortSignal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(await created()).toEqual(before);
  });

  it('answers child n beyond an array\'s children with an error naming the children it has', async () => {
    const array = await mapSubmit(local, { command: 'true' }, [1, 2]);
    await expect(array.child(2).get('JobStatus')).resolves.toMatch(/Active|Running|Succeeded/);
    const error = await array.child(999).get('JobStatus').catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ChildNotFoundError);
    expect((error as Error).message).toBe(`array job ${array.jobId} has children 1 to 2; there is no child 999.`);
    await expect(array.child(999).outputs()).rejects.toThrow('there is no child 999');
  });

  it("re-attaches to an existing array by its id: jobObject gives its ArrayJob, whose child(n) is child n; a single job's child is refused", async () => {
    const array = await mapSubmit(local, { command: 'true' }, [1, 2]);
    const found = await jobObject(local, array.jobId);
    expect(found).toBeInstanceOf(ArrayJob);
    expect(found.jobType).toBe('Array');
    expect(await (found as ArrayJob).get('ChildJobCount')).toBe(2);
    const child = (found as ArrayJob).child(2);
    expect([child.jobType, child.jobId]).toEqual(['ArrayChild', `${array.jobId}/2`]);
    expect((await jobObject(local, `${array.jobId}/2`)).jobId).toBe(`${array.jobId}/2`);
    const single = await submit(local, { command: 'true' });
    await expect(jobObject(local, `${single.jobId}/1`)).rejects.toBeInstanceOf(ChildNotFoundError);
  });
});

describe('a job whose outputs cannot be saved where asked, and one that was deleted', () => {
  const { local } = stackEnvironments();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-library-'));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('downloadOutput onto a folder, or under a file, names the destination and what is in the way', async () => {
    const job = await submit(local, { command: '/bin/sh -c "mkdir -p JobOutput && echo x > JobOutput/a.txt"' });
    expect(await job.wait()).toBe('Succeeded');
    const file = path.join(scratch, 'a-file');
    fs.writeFileSync(file, 'in the way');
    const ontoFolder = await job.downloadOutput('a.txt', scratch).catch((error: unknown) => error);
    expect(ontoFolder).toBeInstanceOf(DownloadDestinationError);
    expect((ontoFolder as Error).message).toBe(`cannot save output file 'a.txt' as '${scratch}': a folder is in the way of the file (EISDIR). Give a file path whose folder can be created.`);
    const underFile = await job.downloadOutput('a.txt', path.join(file, 'a.txt')).catch((error: unknown) => error);
    expect(underFile).toBeInstanceOf(DownloadDestinationError);
    expect((underFile as Error).message).toContain(`cannot save output file 'a.txt' as '${path.join(file, 'a.txt')}': `);
    expect((underFile as DownloadDestinationError).setting).toBe('destination');
    await job.downloadOutput('a.txt', path.join(scratch, 'saved', 'a.txt'));
    expect(fs.readFileSync(path.join(scratch, 'saved', 'a.txt'), 'utf8')).toBe('x\n');
  });

  it("every reader of a deleted job's logs, result and outputs throws JobDeletedError naming it; its status still reads", async () => {
    const job = await submit(local, { command: '/bin/sh -c "mkdir -p JobOutput && echo x > JobOutput/a.txt && echo 7 > result.json"' });
    const array = await mapSubmit(local, { command: '/bin/sh -c "cat $REMOTE_BATCH_ELEMENT_FILE > result.json"' }, [1, 2]);
    expect([await job.wait(), await array.wait()]).toEqual(['Succeeded', 'Completed']);
    expect(await job.get('EvaluationResult')).toBe(7);
    await deleteJob(local, job.jobId);
    await deleteJob(local, array.jobId);

    const deleted = async (read: Promise<unknown>, jobId: string, what: string) => {
      const error = await read.then(() => undefined, (reason: unknown) => reason);
      expect(error).toBeInstanceOf(JobDeletedError);
      expect(error).toMatchObject({ code: 'JobDeleted', statusCode: 404 });
      expect((error as Error).message).toContain(`${jobId} was deleted: its blob container job-${jobId} is gone (remote-batch delete or clean removed it), so its ${what} can no longer be read.`);
    };
    const readAll = async (lines: AsyncIterable<string>) => {
      for await (const line of lines) void line;
    };
    await deleted(job.get('EvaluationResult'), job.jobId, 'result');
    await deleted(job.get('JobLog'), job.jobId, 'log');
    await deleted(readAll(job.logs()), job.jobId, 'log');
    await deleted(job.outputs(), job.jobId, 'output files');
    await deleted(job.downloadOutput('a.txt', path.join(scratch, 'never.txt')), job.jobId, 'output files');
    await deleted(array.get('ChildJobEvaluationResults'), array.jobId, "children's results, logs and outputs");
    await deleted(array.child(1).get('EvaluationResult'), array.jobId, "children's results, logs and outputs");
    await deleted(array.child(1).outputs(), array.jobId, 'output files');
    await deleted(listArrayOutputs(local, array.jobId), array.jobId, 'output files');
    expect([await job.get('JobStatus'), await array.get('JobStatus')]).toEqual(['Succeeded', 'Completed']);
  });
});

describe('a long wait', () => {
  const { local } = stackEnvironments();

  it('waits on an array under one signal for hundreds of reads without a listener warning, and stops when the signal fires', async () => {
    const warnings: string[] = [];
    const collect = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', collect);
    const array = await mapSubmit(local, { command: '/bin/sh -c "sleep 60"' }, [1, 2]);
    try {
      const controller = new AbortController();
      // About three seconds of reads every 5 ms, then the caller gives up.
      const giveUp = setTimeout(() => controller.abort(), 3000);
      await expect(array.wait({ abortSignal: controller.signal, pollIntervalInMs: 5 })).rejects.toMatchObject({ name: 'AbortError' });
      clearTimeout(giveUp);
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', collect);
      await array.abort('the test is over');
    }
  });
});
