import { mapSubmit, submit } from '../../src/client';
import { resetWorkflow } from '../support/temporalUiActions';
import { waitFor } from '../support/waitFor';
import { stackEnvironments } from './support/environments';
import { listedInProgress, listedJobs, waitForStatus } from './support/jobs';
import { azureSdk } from '../support/azureSdk';

/**
 * The Temporal UI's Reset on a running job, to the two points a person picks
 * most: the first workflow task (everything redone from the start) and the
 * last one (long after the Azure job was created). Either way the new run must
 * carry on with the same Azure job and task, and the job must end with a final,
 * true status: nothing orphaned, nothing left saying Running.
 */
describe('Reset in the Temporal UI: the new run carries on with the same Azure job', () => {
  const { local: env } = stackEnvironments();
  const minute = 60_000;

  const handle = async (workflowId: string, runId?: string) => (await env.client()).workflow.getHandle(workflowId, runId);
  const describeRun = async (workflowId: string, runId?: string) => (await handle(workflowId, runId)).describe();

  const reset = async (workflowId: string, point: 'first' | 'last') => resetWorkflow(await env.client(), workflowId, point);

  async function closedRun(workflowId: string): Promise<{ status: string; runId: string }> {
    const described = await waitFor(() => describeRun(workflowId), (d) => d.status.name !== 'RUNNING', 2 * minute, `${workflowId} to close`, 250);
    return { status: described.status.name, runId: described.runId };
  }

  it.each(['first', 'last'] as const)(
    'a single job reset to its %s workflow task watches the same task to its end: Succeeded, its task run once',
    async (point) => {
      const job = await submit(env, { command: '/bin/sh -c "sleep 6; echo ran-once"' });
      await waitForStatus(job, ['Running']);
      const { oldRunId, newRunId } = await reset(job.jobId, point);
      expect(newRunId).not.toBe(oldRunId);
      expect((await describeRun(job.jobId, oldRunId)).status.name).toBe('TERMINATED');

      await waitForStatus(job, ['Succeeded', 'Failed'], 2 * minute);
      expect(await closedRun(job.jobId)).toEqual({ status: 'COMPLETED', runId: newRunId });
      expect(await job.get('JobStatus')).toBe('Succeeded');
      expect(await job.get('JobExitCode')).toBe(0);
      expect(((await job.get('JobLog')) as string).match(/ran-once/g)).toHaveLength(1);
      const azureJob = await azureSdk(env).batch.job.get(job.jobId);
      expect(azureJob.state).toBe('completed');
      const task = await azureSdk(env).batch.task.get(job.jobId, '10000000');
      expect(task.executionInfo?.retryCount).toBe(0);
      expect((await listedJobs(env)).find((summary) => summary.jobId === job.jobId)).toMatchObject({ JobStatus: 'Succeeded' });
      expect(await listedInProgress(env, job.jobId)).toEqual([]);
    },
  );

  it('a single job reset after its Azure job was created still obeys abort: the same Azure job is terminated, Failed with the reason', async () => {
    const job = await submit(env, { command: '/bin/sh -c "sleep 300"' });
    await waitForStatus(job, ['Running']);
    const { newRunId } = await reset(job.jobId, 'last');
    await waitFor(() => describeRun(job.jobId), (d) => d.runId === newRunId && d.status.name === 'RUNNING', minute, 'the new run', 250);
    await job.abort('aborted after a reset');

    await waitForStatus(job, ['Failed'], 2 * minute);
    expect(await job.get('JobStatusReason')).toContain('aborted after a reset');
    expect(await closedRun(job.jobId)).toEqual({ status: 'FAILED', runId: newRunId });
    const azureJob = await azureSdk(env).batch.job.get(job.jobId);
    expect(azureJob.state).toBe('completed');
    expect((await azureSdk(env).batch.task.get(job.jobId, '10000000')).state).toBe('completed');
    expect(await listedInProgress(env, job.jobId)).toEqual([]);
  });

  it.each(['first', 'last'] as const)(
    'an array reset to its %s workflow task finishes over the same Azure job: Completed, every child run once',
    async (point) => {
      const array = await mapSubmit(env, { command: '/bin/sh -c "sleep 6; echo child-$REMOTE_BATCH_CHILD_INDEX"' }, [1, 2]);
      await waitFor(() => array.get('ChildJobCounts') as Promise<{ running: number }>, (counts) => counts.running > 0, minute, 'a running child', 250);
      const { oldRunId, newRunId } = await reset(array.jobId, point);
      expect((await describeRun(array.jobId, oldRunId)).status.name).toBe('TERMINATED');

      expect(await closedRun(array.jobId)).toEqual({ status: 'COMPLETED', runId: newRunId });
      expect(await array.get('JobStatus')).toBe('Completed');
      expect(await array.get('ChildJobStatuses')).toEqual(['Succeeded', 'Succeeded']);
      expect(await array.get('ChildJobExitCodes')).toEqual([0, 0]);
      const tasks = await azureSdk(env).batch.task.list(array.jobId);
      expect(tasks.map((task) => [task.id, task.executionInfo?.retryCount]).sort()).toEqual([
        ['10000001', 0],
        ['10000002', 0],
      ]);
      expect((await azureSdk(env).batch.job.get(array.jobId)).state).toBe('completed');
      expect((await listedJobs(env)).find((summary) => summary.jobId === array.jobId)).toMatchObject({ JobStatus: 'Completed' });
      expect(await listedInProgress(env, array.jobId)).toEqual([]);
    },
  );

  it('an array reset after its Azure job was created still obeys Request Cancellation: the same Azure job is terminated, its children Failed', async () => {
    const array = await mapSubmit(env, { command: '/bin/sh -c "sleep 300"' }, [1, 2]);
    await waitFor(() => array.get('ChildJobCounts') as Promise<{ running: number }>, (counts) => counts.running > 0, minute, 'a running child', 250);
    const { newRunId } = await reset(array.jobId, 'last');
    await waitFor(() => describeRun(array.jobId), (d) => d.runId === newRunId && d.status.name === 'RUNNING', minute, 'the new run', 250);
    await (await handle(array.jobId)).cancel();

    expect(await closedRun(array.jobId)).toEqual({ status: 'CANCELLED', runId: newRunId });
    expect(await array.get('ChildJobStatuses')).toEqual(['Failed', 'Failed']);
    expect(await array.get('JobStatusReason')).toMatch(/^Cancelled from Temporal by /);
    const azureJob = await azureSdk(env).batch.job.get(array.jobId);
    expect(azureJob.state).toBe('completed');
    expect(azureJob.executionInfo?.terminateReason).toMatch(/^remote-batch: workflow cancelled/);
    expect(await listedInProgress(env, array.jobId)).toEqual([]);
  });

  it('a single job that had failed, reset to its first workflow task, reads the same task again: Failed with its exit code, nothing rerun', async () => {
    const job = await submit(env, { command: '/bin/sh -c "echo failing-once; exit 3"' });
    await waitForStatus(job, ['Failed']);
    const { runId: firstRunId } = await closedRun(job.jobId);
    const { newRunId } = await reset(job.jobId, 'first');
    expect(newRunId).not.toBe(firstRunId);

    expect(await closedRun(job.jobId)).toEqual({ status: 'FAILED', runId: newRunId });
    expect(await job.get('JobStatus')).toBe('Failed');
    expect(await job.get('JobExitCode')).toBe(3);
    expect(((await job.get('JobLog')) as string).match(/failing-once/g)).toHaveLength(1);
    expect((await azureSdk(env).batch.task.get(job.jobId, '10000000')).executionInfo?.retryCount).toBe(0);
    expect(await listedInProgress(env, job.jobId)).toEqual([]);
  });

  it('an array that had completed, reset to its first workflow task, finds its children done: Completed again, nothing rerun', async () => {
    const array = await mapSubmit(env, { command: '/bin/sh -c "echo child-$REMOTE_BATCH_CHILD_INDEX"' }, [1, 2]);
    const { runId: firstRunId } = await closedRun(array.jobId);
    expect((await azureSdk(env).batch.job.get(array.jobId)).state).toBe('completed');
    const { newRunId } = await reset(array.jobId, 'first');
    expect(newRunId).not.toBe(firstRunId);

    expect(await closedRun(array.jobId)).toEqual({ status: 'COMPLETED', runId: newRunId });
    expect(await array.get('JobStatus')).toBe('Completed');
    expect(await array.get('ChildJobStatuses')).toEqual(['Succeeded', 'Succeeded']);
    const tasks = await azureSdk(env).batch.task.list(array.jobId);
    expect(tasks.map((task) => task.executionInfo?.retryCount)).toEqual([0, 0]);
    expect(await listedInProgress(env, array.jobId)).toEqual([]);
  });
});
