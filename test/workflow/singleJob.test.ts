import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { SingleJobState } from '../../src/model/jobStates';
import { jobFailedType, retryRefusedType } from '../../src/model/retry';
import { endingOf, singleJobInput, startJob, startRetry, uniqueJobId } from './support/jobRuns';
import { MockedAzure } from './support/mockedAzure';
import { clientOf, startTimeSkippingEnvironment, withWorker } from './support/timeSkipping';

let env: TestWorkflowEnvironment;
let client: Client;
beforeAll(async () => {
  env = await startTimeSkippingEnvironment();
  client = clientOf(env);
});
afterAll(() => env?.teardown());

const hour = 3600_000;

/** A task that ran and exited 3: a user failure, which a retry may rerun. */
function failingTask(azure: MockedAzure): MockedAzure {
  return azure.on('waitForTaskEnd', async () => ({ status: 'Failed', statusReason: 'The task exited with code 3.', exitCode: 3, hasResult: false }));
}

describe('a single job whose task failed can be retried within its retry window', () => {
  test('the run closes Failed with the window open for a day by default; a retry an hour before it ends reruns the task over the same Azure job', async () => {
    const azure = failingTask(new MockedAzure());
    const jobId = uniqueJobId('retry-in-window');
    await withWorker(env, azure.activities, async () => {
      const first = await startJob(client, 'singleJob', singleJobInput(jobId));
      const failed = await endingOf<SingleJobState>(first);
      expect(failed).toMatchObject({ closed: 'failed', failureType: jobFailedType, state: { status: 'Failed', statusReason: 'The task exited with code 3.', exitCode: 3 } });
      const until = Date.parse(failed.state!.retryUntil!);
      expect(until - Date.parse(failed.state!.completedAt!)).toBe(24 * hour);
      expect(azure.inputsOf('openRetryWindow')).toEqual([{ connection: 'local', jobId, until: failed.state!.retryUntil }]);
      expect(azure.inputsOf('endAzureJob')).toEqual([]);

      await env.sleep(23 * hour);
      azure.on('waitForTaskEnd', async () => ({ status: 'Succeeded', statusReason: 'The task exited with code 0 and its outputs were uploaded.', exitCode: 0, hasResult: false }));
      const retry = await startRetry(client, 'singleJob', jobId, first.firstExecutionRunId);
      const retried = await endingOf<SingleJobState>(retry);
      expect(retried).toMatchObject({ closed: 'completed', state: { status: 'Succeeded', previousRunId: first.firstExecutionRunId } });
      expect(retried.state!.attempts).toEqual([expect.objectContaining({ runId: first.firstExecutionRunId, status: 'Failed', exitCode: 3 })]);
      expect(retried.state!.retryUntil).toBeUndefined();
      expect(azure.inputsOf('rerunSingleTask')).toEqual([{ connection: 'local', jobId, taskId: '10000000', expectsResult: false }]);
      expect(azure.inputsOf('prepareAzureJob')).toHaveLength(1);
      expect(azure.inputsOf('addSingleTask')).toHaveLength(1);
      expect(azure.inputsOf('endAzureJob')).toEqual([{ connection: 'local', jobId, reason: 'AllTasksComplete' }]);
    });
  });

  test('a retry started once the window has passed is refused, and nothing is sent to Batch', async () => {
    const azure = failingTask(new MockedAzure());
    const jobId = uniqueJobId('retry-after-window');
    await withWorker(env, azure.activities, async () => {
      const first = await startJob(client, 'singleJob', singleJobInput(jobId, { retryWindowSeconds: 2 * 3600 }));
      const failed = await endingOf<SingleJobState>(first);
      expect(Date.parse(failed.state!.retryUntil!) - Date.parse(failed.state!.completedAt!)).toBe(2 * hour);

      await env.sleep(2 * hour + 1000);
      const retry = await startRetry(client, 'singleJob', jobId, first.firstExecutionRunId);
      const refused = await endingOf(retry);
      expect(refused).toMatchObject({ closed: 'failed', failureType: retryRefusedType });
      expect(refused.message).toBe(`${jobId} cannot be retried: its retry window ended at ${failed.state!.retryUntil}.`);
      expect(azure.inputsOf('rerunSingleTask')).toEqual([]);
    });
  });
});
