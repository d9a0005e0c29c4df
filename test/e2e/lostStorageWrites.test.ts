import { mapSubmit, submit } from '../../src/client';
import { StoredStateMissingError } from '../../src/client/childRecords';
import { arrayResultsBlob } from '../../src/model/arrayResults';
import { jobContainerName, resultFileName, stdoutFileName, taskLogPath, taskOutputPath } from '../../src/model/conventions';
import { azureSdk } from '../support/azureSdk';
import { waitFor } from '../support/waitFor';
import { stackEnvironments } from './support/environments';

/**
 * Azure Storage keeps every write it acknowledged; a job's outputs are
 * verified while it runs. What storage no longer has after a job ended (the
 * local Azurite SIGKILLed within its save interval, a blob deleted by hand) is
 * an error that names the job and the blob: never a null, an empty log, or a guess.
 */
describe('a reader whose storage holds less than the job recorded', () => {
  const { local: env } = stackEnvironments();
  const container = (jobId: string) => azureSdk(env).blobs.getContainerClient(jobContainerName(jobId));

  it("says so for an array's results, naming the blob and the job", async () => {
    const array = await mapSubmit(env, { command: '/bin/sh -c "n=$(cat $REMOTE_BATCH_ELEMENT_FILE) && echo $((n * n)) > result.json"' }, [2, 3, 4]);
    await waitFor(() => array.get('JobStatus'), (status) => status === 'Completed', { timeoutMs: 90_000, what: `array ${array.jobId} to complete` });
    expect(await array.get('ChildJobEvaluationResults')).toEqual([4, 9, 16]);

    await container(array.jobId).getBlobClient(arrayResultsBlob).delete();
    const refused = await array.get('ChildJobEvaluationResults').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoredStateMissingError);
    expect((refused as Error).message).toContain(`${jobContainerName(array.jobId)}/${arrayResultsBlob}`);
    await expect(array.child(2).get('EvaluationResult')).rejects.toThrow(array.jobId);
  });

  it("says so for a single job's result and log", async () => {
    const job = await submit(env, { command: '/bin/sh -c "echo 42 > result.json && echo the answer"' });
    await waitFor(() => job.get('JobStatus'), (status) => status === 'Succeeded' || status === 'Failed', { timeoutMs: 60_000, what: `job ${job.jobId} to end` });
    expect(await job.get('EvaluationResult')).toBe(42);
    await container(job.jobId).getBlobClient(taskOutputPath('10000000', resultFileName)).delete();
    await container(job.jobId).getBlobClient(taskLogPath('10000000', stdoutFileName)).delete();

    await expect(job.get('EvaluationResult')).rejects.toThrow(new RegExp(`${job.jobId} recorded 10000000/\\$TaskOutput/result.json, but storage`));
    await expect(job.get('JobLog')).rejects.toThrow(StoredStateMissingError);
  });
});

describe('a result.json that is not JSON', () => {
  const { local: env } = stackEnvironments();

  it('fails the job, saying why, instead of a Succeeded job whose result cannot be read', async () => {
    const job = await submit(env, { command: `/bin/sh -c "echo '{not json' > result.json"` });
    await waitFor(() => job.get('JobStatus'), (status) => status === 'Succeeded' || status === 'Failed', { timeoutMs: 60_000, what: `job ${job.jobId} to end` });
    expect(await job.get('JobStatus')).toBe('Failed');
    expect(await job.get('JobExitCode')).toBe(0);
    expect(await job.get('JobStatusReason')).toMatch(/result\.json it wrote is not valid JSON/);
    await expect(job.get('EvaluationResult')).rejects.toThrow(new RegExp(`result.json of job ${job.jobId} is not valid JSON`));
  });
});
