import path from 'node:path';
import { mapSubmit, submit, type ArrayJob } from '../../src/client';
import { childShardBlob } from '../../src/model/arrayJob';
import { type ChildShard } from '../../src/model/childShard';
import { jobContainerName, resultFileName, stderrFileName, stdoutFileName, taskLogPath, taskOutputPath } from '../../src/model/conventions';
import { waitFor } from '../support/waitFor';
import { stackEnvironments } from './support/environments';

/**
 * Azurite keeps its blob index in memory and saves it every 5 s: killed, it
 * gives back the versions of a moment ago, though it had acknowledged newer
 * ones. Here the loss is made by hand, exactly as it looks afterwards, once an
 * array has completed (nothing of the array's own would write the blobs again):
 * a reader still gets the right answers, never a null for a lost result.
 */
describe('jobs whose stored state storage lost after they completed', () => {
  const { local: env } = stackEnvironments();
  const container = (array: ArrayJob) => env.azure().blobs.getContainerClient(jobContainerName(array.jobId));

  async function completed(array: ArrayJob): Promise<void> {
    await waitFor(() => array.get('JobStatus'), (status) => status === 'Completed', { timeoutMs: 90_000, what: `array ${array.jobId} to complete` });
  }

  async function storedShard(array: ArrayJob): Promise<ChildShard> {
    return JSON.parse((await container(array).getBlobClient(childShardBlob(0)).downloadToBuffer()).toString('utf8')) as ChildShard;
  }

  // A task uploads its logs after its result (model/outputOrder), so a loss that took a result.json took the logs too.
  it("gives command children's results again when the shard reverts to before a child completed and that child's outputs are lost", async () => {
    const array = await mapSubmit(env, { command: '/bin/sh -c "n=$(cat $REMOTE_BATCH_ELEMENT_FILE) && echo $((n * n)) > result.json"' }, [2, 3, 4]);
    await completed(array);
    expect(await array.get('ChildJobEvaluationResults')).toEqual([4, 9, 16]);

    const older = await storedShard(array);
    older.results = older.results.map(() => null);
    older.statuses = 'SRS';
    const text = JSON.stringify(older);
    await container(array).getBlockBlobClient(childShardBlob(0)).upload(text, Buffer.byteLength(text));
    for (const blob of [taskOutputPath('10000002', resultFileName), taskLogPath('10000002', stdoutFileName), taskLogPath('10000002', stderrFileName)]) {
      await container(array).getBlobClient(blob).delete();
    }

    expect(await array.get('ChildJobEvaluationResults')).toEqual([4, 9, 16]);
    expect(await array.get('ChildJobStatuses')).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    expect(await container(array).getBlobClient(taskOutputPath('10000002', resultFileName)).exists()).toBe(true);
    expect((await storedShard(array)).results).toEqual([4, 9, 16]);
  });

  it("rebuilds a script array's lost shard for a single child's reader too", async () => {
    const array = await mapSubmit(env, { script: path.join(__dirname, 'fixtures', 'square.ts') }, [5, 6]);
    await completed(array);
    await container(array).getBlobClient(childShardBlob(0)).delete();

    expect(await array.child(2).get('EvaluationResult')).toBe(36);
    expect(await array.get('ChildJobEvaluationResults')).toEqual([25, 36]);
    expect(await array.get('ChildJobExitCodes')).toEqual([0, 0]);
  });

  it("gives a single job's result and log again when storage lost them after it succeeded", async () => {
    const job = await submit(env, { command: '/bin/sh -c "echo 42 > result.json && echo the answer"' });
    await waitFor(() => job.get('JobStatus'), (status) => status === 'Succeeded' || status === 'Failed', { timeoutMs: 60_000, what: `job ${job.jobId} to end` });
    const jobContainer = env.azure().blobs.getContainerClient(jobContainerName(job.jobId));
    await jobContainer.getBlobClient(taskOutputPath('10000000', resultFileName)).delete();
    await jobContainer.getBlobClient(taskLogPath('10000000', stdoutFileName)).delete();

    expect(await job.get('EvaluationResult')).toBe(42);
    expect(await job.get('JobLog')).toContain('the answer');
  });
});
