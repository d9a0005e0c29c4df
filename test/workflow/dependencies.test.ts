import type { ArrayJobState, SingleJobState } from '../../src/model/jobStates';
import { clientTerminationReason } from '../../src/model/outcome';
import { jobFailedType } from '../../src/model/retry';
import { waitFor } from '../support/waitFor';
import { arrayJobInput, endingOf, singleJobInput, startJob, startRetry, uniqueJobId } from './support/jobRuns';
import { MockedAzure } from './support/mockedAzure';
import { timeSkippingEnvironmentPerFile, withWorker } from './support/timeSkipping';

const bed = timeSkippingEnvironmentPerFile();

/** The Azure jobs prepared so far, by job id. */
const prepared = (azure: MockedAzure) => azure.inputsOf('prepareAzureJob').map((input) => input.jobId);

describe('a job submitted after others', () => {
  test('waits with its reason in the state, holding nothing in Batch, and runs once its dependency succeeded', async () => {
    const azure = new MockedAzure();
    const running = azure.hold('waitForTaskEnd');
    const first = uniqueJobId('dep-first');
    const second = uniqueJobId('dep-second');
    await withWorker(bed.env, azure.activities, async () => {
      await startJob(bed.client, 'singleJob', singleJobInput(first));
      await azure.called('waitForTaskEnd');
      const handle = await startJob(bed.client, 'singleJob', singleJobInput(second, { after: { jobIds: [first] } }));
      const waiting = await waitFor(() => handle.query<SingleJobState>('state'), (state) => state.statusReason !== undefined, { what: 'the dependent job to say what it waits for' });
      expect(waiting).toMatchObject({ status: 'Active', statusReason: `Waiting for ${first} to succeed (0 of 1 done).`, after: { jobIds: [first], condition: 'succeeded' } });
      expect(prepared(azure)).toEqual([first]);

      running.resolve();
      const ended = await endingOf<SingleJobState>(handle);
      expect(ended).toMatchObject({ closed: 'completed', state: { status: 'Succeeded' } });
      expect(ended.state!.statusReason).not.toContain('Waiting');
    });
    expect(prepared(azure)).toEqual([first, second]);
  });

  test('fails without creating anything once a dependency failed for good (no retry window left)', async () => {
    const azure = new MockedAzure().on('waitForTaskEnd', async () => ({ status: 'Failed', statusReason: 'The task exited with code 3.', exitCode: 3, hasResult: false }));
    const first = uniqueJobId('dep-failing');
    const second = uniqueJobId('dep-never');
    await withWorker(bed.env, azure.activities, async () => {
      expect(await endingOf(await startJob(bed.client, 'singleJob', singleJobInput(first, { retryWindowSeconds: 0 })))).toMatchObject({ closed: 'failed' });
      const ended = await endingOf<SingleJobState>(await startJob(bed.client, 'singleJob', singleJobInput(second, { after: { jobIds: [first] } })));
      expect(ended).toMatchObject({
        closed: 'failed',
        failureType: jobFailedType,
        state: { status: 'Failed', statusReason: `Dependency ${first} failed, so this job (after it succeeded) was not run.` },
      });
    });
    expect(prepared(azure)).toEqual([first]);
    expect(azure.inputsOf('endAzureJob').map((input) => input.jobId)).not.toContain(second);
    expect(azure.inputsOf('openRetryWindow').map((input) => input.jobId)).not.toContain(second);
  });

  test('waits on a failed dependency while it can be retried, and runs once its retry succeeded', async () => {
    const azure = new MockedAzure().on('waitForTaskEnd', async () => ({ status: 'Failed', statusReason: 'The task exited with code 3.', exitCode: 3, hasResult: false }));
    const first = uniqueJobId('dep-retried');
    const second = uniqueJobId('dep-after-retry');
    await withWorker(bed.env, azure.activities, async () => {
      const failedRun = await startJob(bed.client, 'singleJob', singleJobInput(first));
      const failed = await endingOf<SingleJobState>(failedRun);
      const handle = await startJob(bed.client, 'singleJob', singleJobInput(second, { after: { jobIds: [first] } }));
      const waiting = await waitFor(() => handle.query<SingleJobState>('state'), (state) => state.statusReason !== undefined, { what: 'the dependent job to wait' });
      expect(waiting.statusReason).toBe(
        `Waiting for ${first} to succeed (0 of 1 done). ${first} failed; it can be retried until ${failed.state!.retryUntil} (remote-batch retry ${first}), else this job fails.`,
      );
      azure.on('waitForTaskEnd', async () => ({ status: 'Succeeded', statusReason: 'The task exited with code 0 and its outputs were uploaded.', exitCode: 0, hasResult: false }));
      await endingOf(await startRetry(bed.client, 'singleJob', first, failedRun.firstExecutionRunId));
      expect(await endingOf<SingleJobState>(handle)).toMatchObject({ closed: 'completed', state: { status: 'Succeeded' } });
    });
    expect(prepared(azure)).toEqual([first, second]);
  });

  test('an abort while it waits ends it Failed with the reason, and nothing is created', async () => {
    const azure = new MockedAzure();
    const running = azure.hold('waitForTaskEnd');
    const first = uniqueJobId('dep-long');
    const second = uniqueJobId('dep-aborted');
    await withWorker(bed.env, azure.activities, async () => {
      await startJob(bed.client, 'singleJob', singleJobInput(first));
      await azure.called('waitForTaskEnd');
      const handle = await startJob(bed.client, 'singleJob', singleJobInput(second, { after: { jobIds: [first], condition: 'ended' } }));
      await waitFor(() => handle.query<SingleJobState>('state'), (state) => state.statusReason !== undefined, { what: 'the dependent job to wait' });
      const state = await handle.executeUpdate('abortJob', { args: ['not needed'] });
      expect(state).toMatchObject({ status: 'Failed', statusReason: clientTerminationReason('not needed') });
      expect(await endingOf(handle)).toMatchObject({ closed: 'failed' });
      running.resolve();
    });
    expect(prepared(azure)).toEqual([first]);
    expect(azure.inputsOf('endAzureJob').map((input) => input.jobId)).not.toContain(second);
  });

  test('an array after a job that does not exist ends with every child Failed with the reason, its Azure job never created', async () => {
    const azure = new MockedAzure();
    const jobId = uniqueJobId('dep-array');
    await withWorker(bed.env, azure.activities, async () => {
      const ended = await endingOf<ArrayJobState>(await startJob(bed.client, 'arrayJob', arrayJobInput(jobId, 5, { after: { jobIds: ['no-such-job'] } })));
      const reason = 'Dependency no-such-job does not exist (deleted from Temporal?); nothing was run.';
      expect(ended).toMatchObject({ closed: 'failed', state: { status: 'Completed', statusReason: reason, counts: { succeeded: 0, failed: 5 } } });
      expect(azure.inputsOf('publishArrayResults')).toEqual([expect.objectContaining({ jobId, neverRan: reason })]);
    });
    expect(prepared(azure)).toEqual([]);
  });
});
