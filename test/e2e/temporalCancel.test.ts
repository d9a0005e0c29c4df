import { mapSubmit, submit } from '../../src/client';
import { waitFor } from '../support/waitFor';
import { stackEnvironments } from './support/environments';
import { listedInProgress, waitForStatus } from './support/jobs';
import { azureSdk } from '../support/azureSdk';

/** The Temporal UI's Request Cancellation (`temporal workflow cancel`) ends a job as `abort` does. */
describe('a cancellation request to a job workflow', () => {
  const { local } = stackEnvironments();

  const workflowStatus = async (jobId: string) => (await (await local.client()).workflow.getHandle(jobId).describe()).status.name;
  const azureJob = (jobId: string) => azureSdk(local).batch.job.get(jobId);
  /** What the UI shows as "Pending Activities" on the run's page: nothing once it has closed. */
  const pendingActivities = async (jobId: string) => (await (await local.client()).workflow.getHandle(jobId).describe()).raw.pendingActivities?.length ?? 0;

  it('terminates a running single job on Azure, which ends Failed saying it was cancelled from Temporal and by whom', async () => {
    const job = await submit(local, { command: '/bin/sh -c "sleep 60"' });
    await waitForStatus(job, ['Running']);
    await (await local.client()).workflow.getHandle(job.jobId).cancel();
    await waitFor(() => workflowStatus(job.jobId), (status) => status === 'CANCELLED', 60_000, 'the workflow to close cancelled', 200);

    const onAzure = await azureJob(job.jobId);
    expect(onAzure.state).toBe('completed');
    expect(onAzure.executionInfo?.terminateReason).toMatch(/^remote-batch: workflow cancelled/);
    expect((await azureSdk(local).batch.task.get(job.jobId, '10000000')).state).toBe('completed');
    expect(await job.get('JobStatus')).toBe('Failed');
    expect(await job.get('JobStatusReason')).toMatch(/^Cancelled from Temporal by \S+.*Azure job was terminated/);
    expect(await listedInProgress(local, job.jobId)).toEqual([]);
    expect(await pendingActivities(job.jobId)).toBe(0);
  });

  it('terminates an array job on Azure: every unfinished child ends Failed with the cancellation reason', async () => {
    const array = await mapSubmit(local, { command: '/bin/sh -c "sleep 60"' }, [1, 2, 3]);
    await waitFor(() => array.child(1).get('JobStatus'), (status) => status === 'Running', 60_000, 'child 1 to run', 200);
    await (await local.client()).workflow.getHandle(array.jobId).cancel();
    await waitFor(() => workflowStatus(array.jobId), (status) => status === 'CANCELLED', 60_000, 'the array workflow to close cancelled', 200);

    const onAzure = await azureJob(array.jobId);
    expect(onAzure.state).toBe('completed');
    expect(onAzure.executionInfo?.terminateReason).toMatch(/^remote-batch: workflow cancelled/);
    expect(await array.get('JobStatus')).toBe('Completed');
    expect(await array.get('JobFailedQ')).toBe(true);
    expect(await array.get('JobStatusReason')).toMatch(/^Cancelled from Temporal by /);
    expect(await array.get('ChildJobStatuses')).toEqual(['Failed', 'Failed', 'Failed']);
    const reasons = (await array.get('ChildJobStatusReasons')) as string[];
    expect(reasons.every((reason) => reason.startsWith('Cancelled from Temporal'))).toBe(true);
    expect(await listedInProgress(local, array.jobId)).toEqual([]);
    expect(await pendingActivities(array.jobId)).toBe(0);
  });
});
