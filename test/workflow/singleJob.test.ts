import { RefusedInputError } from '../../src/activities/jobSetup';
import { AzureRefusedError } from '../../src/azure/errors';
import type { SingleJobState } from '../../src/model/jobStates';
import { clientTerminationReason } from '../../src/model/outcome';
import { jobFailedType, retryRefusedType } from '../../src/model/retry';
import { endingOf, singleJobInput, startJob, startRetry, uniqueJobId } from './support/jobRuns';
import { waitFor } from '../support/waitFor';
import { MockedAzure } from './support/mockedAzure';
import { loggedWarnings, timeSkippingEnvironmentPerFile, withWorker } from './support/timeSkipping';

const bed = timeSkippingEnvironmentPerFile();

const hour = 3600_000;

/** A task that ran and exited 3: a user failure, which a retry may rerun. */
function failingTask(azure: MockedAzure): MockedAzure {
  return azure.on('waitForTaskEnd', async () => ({ status: 'Failed', statusReason: 'The task exited with code 3.', exitCode: 3, hasResult: false }));
}

describe('a single job whose task failed can be retried within its retry window', () => {
  test('the run closes Failed with the window open for a day by default; a retry an hour before it ends reruns the task over the same Azure job', async () => {
    const azure = failingTask(new MockedAzure());
    const jobId = uniqueJobId('retry-in-window');
    await withWorker(bed.env, azure.activities, async () => {
      const first = await startJob(bed.client, 'singleJob', singleJobInput(jobId));
      const failed = await endingOf<SingleJobState>(first);
      expect(failed).toMatchObject({ closed: 'failed', failureType: jobFailedType, state: { status: 'Failed', statusReason: 'The task exited with code 3.', exitCode: 3 } });
      const until = Date.parse(failed.state!.retryUntil!);
      expect(until - Date.parse(failed.state!.completedAt!)).toBe(24 * hour);
      expect(azure.inputsOf('openRetryWindow')).toEqual([{ connection: 'local', jobId, until: failed.state!.retryUntil }]);
      expect(azure.inputsOf('endAzureJob')).toEqual([]);

      await bed.env.sleep(23 * hour);
      azure.on('waitForTaskEnd', async () => ({ status: 'Succeeded', statusReason: 'The task exited with code 0 and its outputs were uploaded.', exitCode: 0, hasResult: false }));
      const retry = await startRetry(bed.client, 'singleJob', jobId, first.firstExecutionRunId);
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
    await withWorker(bed.env, azure.activities, async () => {
      const first = await startJob(bed.client, 'singleJob', singleJobInput(jobId, { retryWindowSeconds: 2 * 3600 }));
      const failed = await endingOf<SingleJobState>(first);
      expect(Date.parse(failed.state!.retryUntil!) - Date.parse(failed.state!.completedAt!)).toBe(2 * hour);

      await bed.env.sleep(2 * hour + 1000);
      const retry = await startRetry(bed.client, 'singleJob', jobId, first.firstExecutionRunId);
      const refused = await endingOf(retry);
      expect(refused).toMatchObject({ closed: 'failed', failureType: retryRefusedType });
      expect(refused.message).toBe(`${jobId} cannot be retried: its retry window ended at ${failed.state!.retryUntil}.`);
      expect(azure.inputsOf('rerunSingleTask')).toEqual([]);
    });
  });
});

describe('retries of a single job: each a new run over the same Azure job', () => {
  test('a retry of a retry reads the job from the first run and lists every earlier run in attempts', async () => {
    const azure = failingTask(new MockedAzure());
    const jobId = uniqueJobId('retry-twice');
    const script = { kind: 'script' as const, bundleBlob: 'inputs/bundle.js', args: [12] };
    await withWorker(bed.env, azure.activities, async () => {
      const first = await startJob(bed.client, 'singleJob', singleJobInput(jobId, { body: script }));
      await endingOf(first);
      const second = await startRetry(bed.client, 'singleJob', jobId, first.firstExecutionRunId);
      expect(await endingOf(second)).toMatchObject({ closed: 'failed', state: { status: 'Failed', previousRunId: first.firstExecutionRunId } });
      azure.on('waitForTaskEnd', async () => ({ status: 'Succeeded', statusReason: 'The task exited with code 0 and its outputs were uploaded.', exitCode: 0, hasResult: true }));
      const third = await startRetry(bed.client, 'singleJob', jobId, second.firstExecutionRunId);
      const ended = await endingOf<SingleJobState>(third);

      expect(ended).toMatchObject({ closed: 'completed', state: { status: 'Succeeded', hasResult: true, previousRunId: second.firstExecutionRunId } });
      expect(ended.state!.attempts.map((attempt) => [attempt.runId, attempt.status])).toEqual([
        [first.firstExecutionRunId, 'Failed'],
        [second.firstExecutionRunId, 'Failed'],
      ]);
      // A script job always writes its result: the retries know it from the first run's input alone.
      expect(azure.inputsOf('rerunSingleTask')).toEqual([
        { connection: 'local', jobId, taskId: '10000000', expectsResult: true },
        { connection: 'local', jobId, taskId: '10000000', expectsResult: true },
      ]);
      expect(azure.inputsOf('waitForTaskEnd').every((input) => input.expectsResult)).toBe(true);
    });
  });

  test('a retry whose Azure job has ended meanwhile fails with the reason, and its Azure job is not left open', async () => {
    const azure = failingTask(new MockedAzure());
    const jobId = uniqueJobId('retry-job-ended');
    await withWorker(bed.env, azure.activities, async () => {
      const first = await startJob(bed.client, 'singleJob', singleJobInput(jobId));
      await endingOf(first);
      azure.on('rerunSingleTask', async () => {
        throw new RefusedInputError(`Azure job '${jobId}' has ended: its task can no longer be rerun.`);
      });
      const retry = await startRetry(bed.client, 'singleJob', jobId, first.firstExecutionRunId);
      const ended = await endingOf<SingleJobState>(retry);
      expect(ended).toMatchObject({ closed: 'failed', failureType: jobFailedType, state: { status: 'Failed', statusReason: `Azure job '${jobId}' has ended: its task can no longer be rerun.` } });
      expect(ended.state!.retryUntil).toBeUndefined();
      expect(azure.inputsOf('openRetryWindow')).toHaveLength(1);
    });
  });
});

describe('what a single job does when Azure fails or refuses', () => {
  test('a watcher that fails for a passing reason is tried again with a growing backoff, and the job goes on', async () => {
    const azure = new MockedAzure();
    let failures = 2;
    azure.on('waitForTaskEnd', async (input) => {
      if (failures-- > 0) throw new Error('connect ECONNREFUSED: Batch did not answer');
      return azure.healthy.waitForTaskEnd(input);
    });
    const jobId = uniqueJobId('transient');
    await withWorker(bed.env, azure.activities, async () => {
      const ended = await endingOf<SingleJobState>(await startJob(bed.client, 'singleJob', singleJobInput(jobId)));
      expect(ended).toMatchObject({ closed: 'completed', state: { status: 'Succeeded' } });
    });
    const attempts = azure.callsOf('waitForTaskEnd');
    expect(attempts.map((call) => call.attempt)).toEqual([1, 2, 3]);
    // The policy of the watchers (src/workflows/activityProxies.ts): 1 s, then twice that (the server's time is the clock's here).
    expect(attempts[1].startedAt - attempts[0].startedAt).toBeGreaterThanOrEqual(1000);
    expect(attempts[2].startedAt - attempts[1].startedAt).toBeGreaterThanOrEqual(2000);
  });

  test('an unknown pool is refused before any task is added: the job ends Failed with the reason, and cannot be retried', async () => {
    const azure = new MockedAzure();
    const reason = "PoolID: there is no pool 'no-such-pool' in the Batch account of connection 'local'.";
    azure.on('prepareAzureJob', async () => {
      throw new AzureRefusedError(reason, 'PoolNotFound', 404);
    });
    const jobId = uniqueJobId('unknown-pool');
    await withWorker(bed.env, azure.activities, async () => {
      const ended = await endingOf<SingleJobState>(await startJob(bed.client, 'singleJob', singleJobInput(jobId, { environment: { poolId: 'no-such-pool', connection: 'local' } })));
      expect(ended).toMatchObject({ closed: 'failed', failureType: jobFailedType, state: { status: 'Failed', statusReason: reason } });
      expect(ended.state!.retryUntil).toBeUndefined();
    });
    expect(azure.callsOf('prepareAzureJob')).toHaveLength(1);
    expect(azure.names()).not.toContain('addSingleTask');
    expect(azure.names()).not.toContain('openRetryWindow');
  });
});

describe('aborting a single job, whenever the abort arrives', () => {
  
  test('an abort signal while the Azure job is being prepared: the job is terminated once it exists, and ends Failed with the reason', async () => {
    const azure = new MockedAzure();
    const preparing = azure.hold('prepareAzureJob');
    // The task has not started yet: its watcher waits (one that had already returned would race the test server's cancel).
    azure.hold('waitForTaskStart');
    const jobId = uniqueJobId('abort-preparing');
    await withWorker(bed.env, azure.activities, async () => {
      const handle = await startJob(bed.client, 'singleJob', singleJobInput(jobId));
      await azure.called('prepareAzureJob');
      await handle.signal('abort', 'changed my mind');
      preparing.resolve();
      const ended = await endingOf<SingleJobState>(handle);
      expect(ended).toMatchObject({ closed: 'failed', failureType: jobFailedType, state: { status: 'Failed', statusReason: clientTerminationReason('changed my mind') } });
      expect(ended.state!.retryUntil).toBeUndefined();
    });
    // Terminated for the abort first (ending it again as the run closes changes nothing).
    expect(azure.inputsOf('endAzureJob')[0]).toEqual({ connection: 'local', jobId, reason: 'remote-batch abort: changed my mind' });
    expect(azure.inputsOf('waitForTaskEnd').at(-1)).toMatchObject({ abortReason: clientTerminationReason('changed my mind') });
    const names = azure.names();
    expect(names.indexOf('endAzureJob')).toBeGreaterThan(names.indexOf('prepareAzureJob'));
    expect(names).not.toContain('openRetryWindow');
  });

  test('the abort update while the task runs: the watcher stops, Azure terminates the job, and the update returns the final state', async () => {
    const azure = new MockedAzure();
    azure.hold('waitForTaskEnd');
    const jobId = uniqueJobId('abort-running');
    await withWorker(bed.env, azure.activities, async () => {
      const handle = await startJob(bed.client, 'singleJob', singleJobInput(jobId));
      await azure.called('waitForTaskEnd');
      expect(await handle.query('state')).toMatchObject({ status: 'Running' });
      // The held watcher stays held; the abort's own wait for the terminated task answers.
      azure.on('waitForTaskEnd', async (input) => ({ status: 'Failed', statusReason: input.abortReason, exitCode: 137, hasResult: false }));
      const state = await handle.executeUpdate('abortJob', { args: ['no longer needed'] });
      expect(state).toMatchObject({ status: 'Failed', statusReason: clientTerminationReason('no longer needed'), exitCode: 137 });
      expect(await endingOf(handle)).toMatchObject({ closed: 'failed', state });
      await waitFor(async () => azure.callsOf('waitForTaskEnd')[0].ended, (ended) => ended === 'cancelled', { what: 'the first watcher to be cancelled' });
    });
    expect(azure.inputsOf('endAzureJob')[0]).toEqual({ connection: 'local', jobId, reason: 'remote-batch abort: no longer needed' });
  });

  test('an abort that arrives after the task completed, while the job closes, leaves it Succeeded; the update returns that state', async () => {
    const azure = new MockedAzure();
    const closing = azure.hold('endAzureJob');
    const jobId = uniqueJobId('abort-completed');
    await withWorker(bed.env, azure.activities, async () => {
      const handle = await startJob(bed.client, 'singleJob', singleJobInput(jobId));
      await azure.called('endAzureJob');
      const update = handle.executeUpdate('abortJob', { args: ['too late'] });
      await handle.signal('abort', 'also too late');
      closing.resolve();
      expect(await update).toMatchObject({ status: 'Succeeded', exitCode: 0 });
      expect(await endingOf(handle)).toMatchObject({ closed: 'completed', state: { status: 'Succeeded' } });
    });
    expect(azure.inputsOf('endAzureJob')).toEqual([{ connection: 'local', jobId, reason: 'AllTasksComplete' }]);
  });

  test('of several aborts, the first reason is the one kept', async () => {
    const azure = new MockedAzure();
    const preparing = azure.hold('prepareAzureJob');
    azure.hold('waitForTaskStart');
    const jobId = uniqueJobId('abort-twice');
    await withWorker(bed.env, azure.activities, async () => {
      const handle = await startJob(bed.client, 'singleJob', singleJobInput(jobId));
      await azure.called('prepareAzureJob');
      // Both wait while the workflow task that prepares the job is open, and reach the workflow in one activation.
      await handle.signal('abort', 'first reason');
      await handle.signal('abort', 'second reason');
      preparing.resolve();
      // An update after them changes nothing either, and returns the state the first reason left.
      const state = await handle.executeUpdate('abortJob', { args: ['third reason'] });
      expect(state).toMatchObject({ status: 'Failed', statusReason: clientTerminationReason('first reason') });
      expect(await endingOf(handle)).toMatchObject({ closed: 'failed' });
    });
    expect(azure.inputsOf('endAzureJob')[0]).toEqual({ connection: 'local', jobId, reason: 'remote-batch abort: first reason' });
  });

  test('an abort update whose reason is not a string is refused before it is recorded, and the job goes on', async () => {
    const azure = new MockedAzure();
    const running = azure.hold('waitForTaskEnd');
    const jobId = uniqueJobId('abort-malformed');
    await withWorker(bed.env, azure.activities, async () => {
      const handle = await startJob(bed.client, 'singleJob', singleJobInput(jobId));
      await azure.called('waitForTaskEnd');
      await expect(handle.executeUpdate('abortJob', { args: [42] })).rejects.toMatchObject({
        cause: { message: 'abort reason must be a string of at most 1000 characters; got number.' },
      });
      await expect(handle.executeUpdate('abortJob', { args: ['x'.repeat(1001)] })).rejects.toMatchObject({
        cause: { message: 'abort reason must be at most 1000 characters; got 1001.' },
      });
      running.resolve();
      expect(await endingOf(handle)).toMatchObject({ closed: 'completed', state: { status: 'Succeeded' } });
    });
    expect(azure.names()).not.toContain('cancellationRequester');
    expect(azure.inputsOf('endAzureJob')).toEqual([{ connection: 'local', jobId, reason: 'AllTasksComplete' }]);
  });

  test('an abort signal whose reason is not a string of at most 1000 characters is left out, logged naming the rule, and the job goes on', async () => {
    const azure = new MockedAzure();
    const running = azure.hold('waitForTaskEnd');
    const jobId = uniqueJobId('abort-signal-malformed');
    const warningsBefore = loggedWarnings.length;
    await withWorker(bed.env, azure.activities, async () => {
      const handle = await startJob(bed.client, 'singleJob', singleJobInput(jobId));
      await azure.called('waitForTaskEnd');
      await handle.signal('abort', 42 as unknown as string);
      await handle.signal('abort', { x: 1 } as unknown as string);
      await handle.signal('abort', 'x'.repeat(2000));
      await waitFor(async () => loggedWarnings.slice(warningsBefore).filter((line) => line.startsWith('abort signal ignored')), (lines) => lines.length === 3, {
        what: 'the three refused signals to be logged',
      });
      running.resolve();
      const ended = await endingOf<SingleJobState>(handle);
      expect(ended).toMatchObject({ closed: 'completed', state: { status: 'Succeeded' } });
      expect(JSON.stringify(ended.state)).not.toContain('[object Object]');
    });
    expect(loggedWarnings.slice(warningsBefore).filter((line) => line.startsWith('abort signal ignored'))).toEqual([
      'abort signal ignored: reason must be a string of at most 1000 characters; got number.',
      'abort signal ignored: reason must be a string of at most 1000 characters; got object.',
      'abort signal ignored: reason must be at most 1000 characters; got 2000.',
    ]);
    expect(azure.inputsOf('endAzureJob')).toEqual([{ connection: 'local', jobId, reason: 'AllTasksComplete' }]);
  });

  test('a cancellation request while the task runs: Azure terminates the job, then the workflow ends cancelled with the final state', async () => {
    const azure = new MockedAzure();
    azure.hold('waitForTaskEnd');
    const jobId = uniqueJobId('cancel-running');
    await withWorker(bed.env, azure.activities, async () => {
      const handle = await startJob(bed.client, 'singleJob', singleJobInput(jobId));
      await azure.called('waitForTaskEnd');
      azure.on('waitForTaskEnd', async (input) => ({ status: 'Failed', statusReason: input.abortReason, hasResult: false }));
      await handle.cancel();
      const ended = await endingOf<SingleJobState>(handle);
      expect(ended).toMatchObject({ closed: 'cancelled', state: { status: 'Failed' } });
      expect(ended.state!.statusReason).toMatch(/^Cancelled from Temporal( by \S+)?: the workflow got a cancellation request, so the Azure job was terminated\.$/);
    });
    expect(azure.inputsOf('endAzureJob')[0]).toEqual({ connection: 'local', jobId, reason: expect.stringMatching(/^remote-batch: workflow cancelled/) });
    expect(azure.names()).not.toContain('openRetryWindow');
  });
});
