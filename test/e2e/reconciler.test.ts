import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { listJobSummaries, mapSubmit, submit } from '../../src/client';
import { carryOutSubmission, planSubmission } from '../../src/client/submission';
import { jobContainerName } from '../../src/model/conventions';
import { taskQueue } from '../../src/client/temporalSettings';
import { jobObject } from '../../src/client';
import { waitFor } from '../support/waitFor';
import { runCli } from './cli/support/cli';
import { stackEnvironments } from './support/environments';
import { waitForStatus } from './support/jobs';

/**
 * The reconciler runs as the stack's own Temporal Schedule, every 2 s with an
 * 8 s grace period in this suite (globalSetup). Each test ends a job's workflow
 * from outside, as a person in the Temporal UI would, and waits for the Azure
 * job to be terminated and the status to become final.
 */
describe('the reconciler: no Azure job outlives its workflow', () => {
  const { local: env } = stackEnvironments();
  const reconciled = 120_000;

  const azureJobEnded = (jobId: string) =>
    waitFor(() => env.azure().batch.job.get(jobId), (job) => job.state === 'completed', reconciled, `Azure job ${jobId} to be terminated`, 500);

  async function listed(jobId: string, status?: 'Running' | 'Failed') {
    return (await listJobSummaries(env, status ? { status } : {})).find((summary) => summary.jobId === jobId);
  }

  it('terminates the Azure job of a single job whose workflow was terminated, and status and ls say Failed and why', async () => {
    const job = await submit(env, { command: '/bin/sh -c "sleep 300"' });
    await waitForStatus(job, ['Running']);
    await (await env.client()).workflow.getHandle(job.jobId).terminate('terminated by the test, as from the UI');

    const azureJob = await azureJobEnded(job.jobId);
    expect(azureJob.executionInfo?.terminateReason).toBe('remote-batch reconciler: its workflow was terminated in Temporal');
    const task = await env.azure().batch.task.get(job.jobId, '10000000');
    expect(task.state).toBe('completed');

    await waitForStatus(job, ['Failed'], reconciled);
    const reason = 'Terminated by the remote-batch reconciler: its workflow was terminated in Temporal.';
    expect(await job.get('JobStatusReason')).toBe(reason);
    expect(await listed(job.jobId)).toMatchObject({ JobStatus: 'Failed', JobStatusReason: reason });
    expect(await listed(job.jobId, 'Running')).toBeUndefined();
    expect(await listed(job.jobId, 'Failed')).toMatchObject({ JobStatus: 'Failed' });

    const status = await runCli(['status', job.jobId, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ JobStatus: 'Failed', JobStatusReason: reason });
    const ls = await runCli(['ls', '--json']);
    const lines = (JSON.parse(ls.stdout) as { jobId: string; JobStatus: string }[]).filter((line) => line.jobId === job.jobId);
    expect(lines).toEqual([expect.objectContaining({ JobStatus: 'Failed' })]);
  });

  it('records the outcome Batch reports for a job whose task ended on its own after its workflow was terminated', async () => {
    const job = await submit(env, { command: '/bin/sh -c "sleep 5; echo finished alone"' });
    await waitForStatus(job, ['Running']);
    await (await env.client()).workflow.getHandle(job.jobId).terminate('terminated by the test while the task runs');
    // Batch ends the job with its task (onAllTasksComplete), so no active Azure job is left to find.
    await azureJobEnded(job.jobId);
    await waitForStatus(job, ['Succeeded'], reconciled);
    expect(await job.get('JobExitCode')).toBe(0);
    expect(await job.get('JobLog')).toContain('finished alone');
    expect(await listed(job.jobId)).toMatchObject({ JobStatus: 'Succeeded' });
  });

  it("terminates an array's Azure job when its workflow is terminated; every unfinished child ends Failed", async () => {
    const array = await mapSubmit(env, { command: '/bin/sh -c "sleep 300"' }, [1, 2]);
    await waitFor(() => array.get('ChildJobCounts') as Promise<{ running: number }>, (counts) => counts.running > 0, 60_000, 'a running child', 250);
    await (await env.client()).workflow.getHandle(array.jobId).terminate('terminated by the test');

    const azureJob = await azureJobEnded(array.jobId);
    expect(azureJob.executionInfo?.terminateReason).toContain('its workflow was terminated');
    await waitFor(() => array.get('JobStatusReason'), (reason) => String(reason).includes('reconciler'), reconciled, 'the recorded status', 500);
    expect(await array.get('JobStatus')).toBe('Completed');
    expect(await array.get('JobStatusReason')).toBe('Terminated by the remote-batch reconciler: its workflow was terminated in Temporal.');
    expect(await array.get('ChildJobStatuses')).toEqual(['Failed', 'Failed']);
    expect(await array.get('ChildJobStatusReasons')).toEqual([
      'Terminated by the remote-batch reconciler: its workflow was terminated in Temporal.',
      'Terminated by the remote-batch reconciler: its workflow was terminated in Temporal.',
    ]);
    expect(await listed(array.jobId)).toMatchObject({ JobType: 'Array', JobStatus: 'Completed' });
  });

  it('terminates the Azure job of a workflow whose run timed out', async () => {
    const workflowId = `timeout-${randomUUID()}`;
    const client = await env.client();
    await client.workflow.start('singleJob', {
      taskQueue,
      workflowId,
      workflowRunTimeout: '15 seconds',
      args: [{ environment: { poolId: 'local', connection: 'local' }, body: { kind: 'command', commandLine: '/bin/sh -c "sleep 300"' } }],
    });
    const job = jobObject(env, workflowId);
    // Started by name, as another language would: the state is there once the workflow's first task ran.
    await waitFor(() => job.get('JobStatus').catch(() => undefined), (status) => status === 'Running', 60_000, 'the job to run', 250);
    await azureJobEnded(workflowId);
    await waitForStatus(job, ['Failed'], reconciled);
    expect(await job.get('JobStatusReason')).toBe('Terminated by the remote-batch reconciler: its workflow timed out in Temporal.');
  });

  it('deletes the upload of a submission whose workflow never started, and keeps those of jobs that did', async () => {
    const inputFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rb-upload-')), 'data.txt');
    fs.writeFileSync(inputFile, 'uploaded, then the start was refused');
    const started = await submit(env, { command: '/bin/sh -c "cat data.txt"' }, { inputFiles: [inputFile] });
    // What submit does before Temporal is asked to start anything, and no start after it.
    const abandoned = planSubmission({ command: '/bin/sh -c "cat data.txt"' }, { inputFiles: [inputFile] });
    await carryOutSubmission(env, abandoned);
    const blobs = env.azure().blobs;
    expect(await blobs.getContainerClient(jobContainerName(abandoned.jobId)).exists()).toBe(true);

    await waitFor(() => blobs.getContainerClient(jobContainerName(abandoned.jobId)).exists(), (exists) => !exists, reconciled, 'the upload to be deleted', 500);
    await waitForStatus(started, ['Succeeded']);
    expect(await blobs.getContainerClient(jobContainerName(started.jobId)).exists()).toBe(true);
    expect(await started.get('JobLog')).toContain('uploaded, then the start was refused');
  });
});
