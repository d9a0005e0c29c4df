import { AzureRefusedError } from '../../src/azure/errors';
import type { ArrayJobState } from '../../src/model/jobStates';
import { clientTerminationReason } from '../../src/model/outcome';
import { jobFailedType, retryRefusedType } from '../../src/model/retry';
import { arrayJobInput, endingOf, startJob, startRetry, uniqueJobId } from './support/jobRuns';
import { waitFor } from '../support/waitFor';
import { MockedAzure } from './support/mockedAzure';
import { loggedWarnings, timeSkippingEnvironmentPerFile, withWorker } from './support/timeSkipping';

const bed = timeSkippingEnvironmentPerFile();

const hour = 3600_000;

describe('an array continues as new without losing or repeating anything', () => {
  test('with one loop turn per run, each run adds the next children with the same template and inputs, reading on from the last cursor', async () => {
    const azure = new MockedAzure();
    const jobId = uniqueJobId('continue-as-new');
    const input = arrayJobInput(jobId, 4500, {
      turnsPerRun: 1,
      settings: { environmentVariables: { MODEL: 'small' }, vcpuCount: 2 },
      inputs: [{ name: 'model.bin', blob: 'inputs/model.bin' }, { name: 'labels.txt', content: 'cat\ndog\n' }],
    });
    await withWorker(bed.env, azure.activities, async () => {
      const handle = await startJob(bed.client, 'arrayJob', input);
      const ended = await endingOf<ArrayJobState>(handle);
      expect(ended).toMatchObject({ closed: 'completed', state: { status: 'Completed', added: 4500, childCount: 4500, counts: { active: 0, running: 0, succeeded: 4500, failed: 0 } } });
      expect((await handle.describe()).runId).not.toBe(handle.firstExecutionRunId);
    });

    const adds = azure.callsOf('addArrayChildren');
    expect(adds.map((call) => [call.input.from, call.input.to])).toEqual([
      [1, 2000],
      [2001, 4000],
      [4001, 4500],
    ]);
    expect(new Set(adds.map((call) => call.runId)).size).toBe(3);
    const [first, ...later] = azure.inputsOf('addArrayChildren');
    expect(first.template).toMatchObject({ commandLine: 'python3 child.py', requiredSlots: 2, environment: expect.objectContaining({ MODEL: 'small' }) });
    expect(first.sharedInputs).toEqual([
      { name: 'model.bin', blob: 'inputs/model.bin' },
      { name: 'labels.txt', blob: expect.stringContaining('labels.txt') },
    ]);
    for (const next of later) expect([next.template, next.sharedInputs]).toEqual([first.template, first.sharedInputs]);
    expect(azure.callsOf('prepareAzureJob')).toHaveLength(1);

    // Each run reads Batch's changes on from where the run before it stopped.
    const polls = azure.inputsOf('pollArrayProgress');
    expect(polls[0].cursor).toBeUndefined();
    for (let turn = 1; turn < polls.length; turn++) expect(polls[turn].cursor).toBe(`cursor-${turn}`);
    expect(polls.map((poll) => poll.added)).toEqual([0, 2000, 4000, 4500]);
  });
});

describe('aborting one child of an array', () => {
  test('an abort for a child not yet added waits until its task is in Batch; one for an added child is carried out at once', async () => {
    const azure = new MockedAzure();
    const polls = azure.gate('pollArrayProgress');
    const adds = azure.gate('addArrayChildren');
    const jobId = uniqueJobId('child-abort');
    await withWorker(bed.env, azure.activities, async () => {
      const handle = await startJob(bed.client, 'arrayJob', arrayJobInput(jobId, 2500, { retryWindowSeconds: 60 }));
      await azure.called('pollArrayProgress');
      await handle.signal('abortChild', 2400, 'not needed any more');
      await handle.signal('abortChild', 2501, 'outside the array');
      adds.pass();
      polls.pass();
      // The first turn added children 1 to 2000; the second is adding the rest when the next abort arrives.
      await azure.called('pollArrayProgress', 2);
      await azure.called('addArrayChildren', 2);
      expect(azure.inputsOf('pollArrayProgress')[1].added).toBe(2000);
      expect(azure.names()).not.toContain('abortArrayChild');

      await handle.signal('abortChild', 5, 'its input was wrong');
      await azure.called('abortArrayChild');
      expect(azure.inputsOf('abortArrayChild')).toEqual([expect.objectContaining({ child: 5, reason: 'its input was wrong' })]);
      await waitFor(async () => azure.callsOf('addArrayChildren')[1].ended, (ended) => ended === 'cancelled', { what: 'the cut-short add to be cancelled' });
      adds.open();
      polls.open();
      const ended = await endingOf<ArrayJobState>(handle);
      expect(ended).toMatchObject({ closed: 'failed', failureType: jobFailedType, state: { status: 'Completed', counts: { succeeded: 2498, failed: 2 } } });
    });
    expect(azure.inputsOf('abortArrayChild')).toEqual([
      expect.objectContaining({ child: 5, reason: 'its input was wrong' }),
      expect.objectContaining({ child: 2400, reason: 'not needed any more' }),
    ]);
    // The add the first child abort cut short is made again; the second abort waited for it.
    const added = azure.callsOf('addArrayChildren');
    expect(added.map((call) => [call.input.from, call.input.to, call.ended])).toEqual([
      [1, 2000, 'completed'],
      [2001, 2500, 'cancelled'],
      [2001, 2500, 'completed'],
    ]);
    expect(azure.calls.indexOf(azure.callsOf('abortArrayChild')[1])).toBeGreaterThan(azure.calls.indexOf(added[2]));
  });
});

describe('a malformed abortChild signal', () => {
  test('a child index outside the array or not a whole number, or a bad reason, is left out and logged naming the index and the allowed range', async () => {
    const azure = new MockedAzure();
    const polls = azure.gate('pollArrayProgress');
    const jobId = uniqueJobId('child-abort-malformed');
    const warningsBefore = loggedWarnings.length;
    const refusals = () => loggedWarnings.slice(warningsBefore).filter((line) => line.startsWith('abortChild signal ignored'));
    await withWorker(bed.env, azure.activities, async () => {
      const handle = await startJob(bed.client, 'arrayJob', arrayJobInput(jobId, 3));
      await azure.called('pollArrayProgress');
      await handle.signal('abortChild', 0, 'zero');
      await handle.signal('abortChild', 999, 'past the array');
      await handle.signal('abortChild', 'x' as unknown as number, 'not a number');
      await handle.signal('abortChild', 2, 'x'.repeat(2000));
      await waitFor(async () => refusals(), (lines) => lines.length === 4, { what: 'the four refused signals to be logged' });
      polls.open();
      const ended = await endingOf<ArrayJobState>(handle);
      expect(ended).toMatchObject({ closed: 'completed', state: { status: 'Completed', counts: { succeeded: 3, failed: 0 } } });
    });
    expect(refusals()).toEqual([
      'abortChild signal ignored: child must be a whole number from 1 to 3; got 0.',
      'abortChild signal ignored: child must be a whole number from 1 to 3; got 999.',
      'abortChild signal ignored: child must be a whole number from 1 to 3; got "x".',
      'abortChild signal ignored: reason must be at most 1000 characters; got 2000.',
    ]);
    expect(azure.names()).not.toContain('abortArrayChild');
  });
});

describe('aborting a whole array', () => {
  test('the abort update while children run terminates the Azure job, fails every unfinished child with the reason, and returns the final state', async () => {
    const azure = new MockedAzure();
    // Children added, none completed yet: what Batch says whenever the workflow looks.
    azure.on('pollArrayProgress', async () => ({ counts: { active: 6, running: 4, succeeded: 0, failed: 0 }, cursor: 'c', allCompleted: false }));
    azure.on('failUnfinishedChildren', async () => 10);
    const polls = azure.gate('pollArrayProgress');
    const jobId = uniqueJobId('array-abort');
    await withWorker(bed.env, azure.activities, async () => {
      const handle = await startJob(bed.client, 'arrayJob', arrayJobInput(jobId, 10));
      await azure.called('pollArrayProgress');
      polls.pass();
      // The second turn watches the running children when the abort arrives.
      await azure.called('pollArrayProgress', 2);
      const update = handle.executeUpdate('abortJob', { args: ['wrong model'] });
      // The abort's own last look at Batch.
      await azure.called('pollArrayProgress', 3);
      expect(azure.inputsOf('pollArrayProgress')[2]).toMatchObject({ minWaitMs: 0, maxWaitMs: 0 });
      polls.open();
      const state = await update;
      expect(state).toMatchObject({ status: 'Completed', closed: true, abortReason: 'wrong model', statusReason: clientTerminationReason('wrong model'), counts: { succeeded: 0, failed: 10 } });
      expect(await endingOf(handle)).toMatchObject({ closed: 'failed', failureType: jobFailedType, state });
    });
    expect(azure.inputsOf('endAzureJob')).toEqual([expect.objectContaining({ jobId, reason: 'remote-batch abort: wrong model' })]);
    expect(azure.inputsOf('failUnfinishedChildren')).toEqual([expect.objectContaining({ jobId, statusReason: clientTerminationReason('wrong model') })]);
    expect(azure.inputsOf('publishArrayResults')).toEqual([expect.objectContaining({ jobId })]);
    expect(azure.names()).not.toContain('openRetryWindow');
  });
});

describe('an array whose setup is refused', () => {
  test('an unknown pool: nothing is added, the array ends with the reason, and the results say every child Failed', async () => {
    const azure = new MockedAzure();
    const reason = "PoolID: there is no pool 'no-such-pool' in the Batch account of connection 'local'.";
    azure.on('prepareAzureJob', async () => {
      throw new AzureRefusedError(reason, 'PoolNotFound', 404);
    });
    const jobId = uniqueJobId('array-unknown-pool');
    await withWorker(bed.env, azure.activities, async () => {
      const handle = await startJob(bed.client, 'arrayJob', arrayJobInput(jobId, 7, { environment: { poolId: 'no-such-pool', connection: 'local' } }));
      const ended = await endingOf<ArrayJobState>(handle);
      expect(ended).toMatchObject({
        closed: 'failed',
        failureType: jobFailedType,
        state: { status: 'Completed', statusReason: reason, added: 0, counts: { active: 0, running: 0, succeeded: 0, failed: 7 } },
      });
      expect(ended.state!.retryUntil).toBeUndefined();
      const retry = await endingOf(await startRetry(bed.client, 'arrayJob', jobId, handle.firstExecutionRunId));
      expect(retry).toMatchObject({ closed: 'failed', failureType: retryRefusedType, message: `${jobId} cannot be retried: its Azure job was ended (aborted, cancelled or never created).` });
    });
    expect(azure.inputsOf('publishArrayResults')).toEqual([{ connection: 'local', jobId, childCount: 7, bodyKind: 'command', neverRan: reason }]);
    expect(azure.names()).not.toContain('addArrayChildren');
    expect(azure.names()).not.toContain('rerunFailedChildren');
  });
});

describe("retrying an array's failed children", () => {
  /** Azure where children 2 and 3 of the first run fail. */
  function twoChildrenFail(azure: MockedAzure): MockedAzure {
    return azure.on('pollArrayProgress', async (input) => {
      const failed = input.added === input.childCount ? 2 : 0;
      return { counts: { active: input.childCount - input.added, running: 0, succeeded: input.added - failed, failed }, allCompleted: input.added === input.childCount };
    });
  }

  test('a retry within the window reruns only the failed children over the same Azure job, in a new run that lists the first', async () => {
    const azure = twoChildrenFail(new MockedAzure());
    const jobId = uniqueJobId('array-retry');
    await withWorker(bed.env, azure.activities, async () => {
      const first = await startJob(bed.client, 'arrayJob', arrayJobInput(jobId, 5));
      const failed = await endingOf<ArrayJobState>(first);
      expect(failed).toMatchObject({ closed: 'failed', failureType: jobFailedType, state: { counts: { succeeded: 3, failed: 2 } } });
      expect(Date.parse(failed.state!.retryUntil!) - Date.parse(failed.state!.completedAt!)).toBe(24 * hour);
      expect(azure.inputsOf('openRetryWindow')).toEqual([{ connection: 'local', jobId, childCount: 5, bodyKind: 'command', until: failed.state!.retryUntil }]);

      await bed.env.sleep(20 * hour);
      azure.on('rerunFailedChildren', async () => 2);
      azure.on('pollArrayProgress', azure.healthy.pollArrayProgress);
      const retry = await startRetry(bed.client, 'arrayJob', jobId, first.firstExecutionRunId);
      const retried = await endingOf<ArrayJobState>(retry);
      expect(retried).toMatchObject({ closed: 'completed', state: { status: 'Completed', retries: 1, previousRunId: first.firstExecutionRunId, counts: { succeeded: 5, failed: 0 } } });
      expect(retried.state!.attempts).toEqual([expect.objectContaining({ runId: first.firstExecutionRunId, succeeded: 3, failed: 2 })]);
    });
    expect(azure.inputsOf('rerunFailedChildren')).toEqual([{ connection: 'local', jobId, childCount: 5, bodyKind: 'command' }]);
    expect(azure.callsOf('prepareAzureJob')).toHaveLength(1);
    expect(azure.callsOf('addArrayChildren')).toHaveLength(1);
    // The retry run went straight to watching: its first look already counts every child as added.
    expect(azure.inputsOf('pollArrayProgress').at(-1)).toMatchObject({ added: 5 });
  });

  test('a retry once the window has passed is refused, and no child is rerun', async () => {
    const azure = twoChildrenFail(new MockedAzure());
    const jobId = uniqueJobId('array-retry-late');
    await withWorker(bed.env, azure.activities, async () => {
      const first = await startJob(bed.client, 'arrayJob', arrayJobInput(jobId, 5, { retryWindowSeconds: 600 }));
      const failed = await endingOf<ArrayJobState>(first);
      await bed.env.sleep(601_000);
      const refused = await endingOf(await startRetry(bed.client, 'arrayJob', jobId, first.firstExecutionRunId));
      expect(refused).toMatchObject({ closed: 'failed', failureType: retryRefusedType, message: `${jobId} cannot be retried: its retry window ended at ${failed.state!.retryUntil}.` });
    });
    expect(azure.names()).not.toContain('rerunFailedChildren');
  });
});
