import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ArrayJob, BatchJob, mapSubmit, submit } from '../../src/client';
import { maxPassesPerRun } from '../../src/model/reconciliation';
import { carryOutSubmission, planSubmission } from '../../src/client/submission';
import type { ArrayJobInput } from '../../src/model/workflowInputs';
import { elementChunkBlob } from '../../src/model/arrayJob';
import { jobContainerName } from '../../src/model/conventions';
import { taskQueue } from '../../src/client/temporalSettings';
import { deleteWorkflow } from '../support/temporalUiActions';
import { waitFor } from '../support/waitFor';
import { runCli } from './cli/support/cli';
import { stackEnvironments } from './support/environments';
import { listedInProgress, listedJobs, waitForStatus } from './support/jobs';
import { azureSdk } from '../support/azureSdk';

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
    waitFor(() => azureSdk(env).batch.job.get(jobId), (job) => job.state === 'completed', reconciled, `Azure job ${jobId} to be terminated`, 500);

  async function listed(jobId: string, status?: 'Running' | 'Failed') {
    return (await listedJobs(env, status ? { status } : {})).find((summary) => summary.jobId === jobId);
  }

  /** Tolerates "not found" while a workflow started by name has not yet recorded its first state. */
  const runningChild = (array: ArrayJob) =>
    waitFor(() => array.get('ChildJobCounts') as Promise<{ running: number }>, (counts) => counts.running > 0, {
      timeoutMs: 60_000,
      what: 'a running child',
      intervalMs: 250,
      tolerateErrors: true,
    });

  /** Polls a job's status through the states where it reads "not found" (its workflow deleted, no closing run yet). */
  const finalStatus = (job: BatchJob | ArrayJob, status: string) =>
    waitFor(() => job.get('JobStatus'), (seen) => seen === status, { timeoutMs: reconciled, what: `${job.jobId} to read ${status}`, intervalMs: 500, tolerateErrors: true });

  /** `status --json`, `ls --json` and `watch` all read the job's final status. */
  async function cliReads(jobId: string, fields: Record<string, unknown>): Promise<void> {
    const status = await runCli(['status', jobId, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject(fields);
    const ls = await runCli(['ls', '--json']);
    const lines = (JSON.parse(ls.stdout) as { jobId: string; JobStatus: string }[]).filter((line) => line.jobId === jobId);
    expect(lines).toEqual([expect.objectContaining({ JobStatus: fields.JobStatus })]);
    const watch = await runCli(['watch', jobId]);
    expect(watch.code).toBe(1);
    expect(watch.stdout).toContain(String(fields.JobStatus));
  }

  it('terminates the Azure job of a single job whose workflow was terminated, and status and ls say Failed and why', async () => {
    const job = await submit(env, { command: '/bin/sh -c "sleep 300"' });
    await waitForStatus(job, ['Running']);
    await (await env.client()).workflow.getHandle(job.jobId).terminate('terminated by the test, as from the UI');

    const azureJob = await azureJobEnded(job.jobId);
    expect(azureJob.executionInfo?.terminateReason).toBe('remote-batch reconciler: its workflow was terminated in Temporal');
    const task = await azureSdk(env).batch.task.get(job.jobId, '10000000');
    expect(task.state).toBe('completed');

    await waitForStatus(job, ['Failed'], reconciled);
    const reason = 'Terminated by the remote-batch reconciler: its workflow was terminated in Temporal.';
    expect(await job.get('JobStatusReason')).toBe(reason);
    expect(await listed(job.jobId)).toMatchObject({ JobStatus: 'Failed', JobStatusReason: reason });
    expect(await listedInProgress(env, job.jobId)).toEqual([]);
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
    expect(await listedInProgress(env, job.jobId)).toEqual([]);
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
    expect(await listedInProgress(env, array.jobId)).toEqual([]);
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
    const job = new BatchJob(env, workflowId);
    // Started by name, as another language would: the state is there once the workflow's first task ran.
    await waitFor(() => job.get('JobStatus').catch(() => undefined), (status) => status === 'Running', 60_000, 'the job to run', 250);
    await azureJobEnded(workflowId);
    await waitForStatus(job, ['Failed'], reconciled);
    expect(await job.get('JobStatusReason')).toBe('Terminated by the remote-batch reconciler: its workflow timed out in Temporal.');
    expect(await listedInProgress(env, workflowId)).toEqual([]);
  });

  it("ends an array's Azure job when its workflow run timed out; the children not done end Failed", async () => {
    const client = await env.client();
    // What mapSubmit does, with a run timeout it does not offer: the elements' blob, then the workflow started by name.
    const plan = planSubmission({ command: '/bin/sh -c "sleep 300"' }, {});
    await carryOutSubmission(env, plan);
    const elements = '1\n2';
    await azureSdk(env).blobs.getContainerClient(jobContainerName(plan.jobId)).getBlockBlobClient(elementChunkBlob(0)).upload(elements, elements.length);
    const { jobId, body, settings, inputs } = plan;
    const input: ArrayJobInput = { jobId, body, settings, inputs, environment: env.ref, elementCount: 2, spanSize: 1, submittedAt: new Date().toISOString() };
    await client.workflow.start('arrayJob', { taskQueue, workflowId: plan.jobId, workflowRunTimeout: '15 seconds', args: [input] });
    const array = new ArrayJob(env, plan.jobId);
    await runningChild(array);

    await azureJobEnded(plan.jobId);
    const reason = 'Terminated by the remote-batch reconciler: its workflow timed out in Temporal.';
    await waitFor(() => array.get('JobStatusReason'), (seen) => seen === reason, reconciled, 'the recorded status', 500);
    expect(await array.get('JobStatus')).toBe('Completed');
    expect(await array.get('JobFailedQ')).toBe(true);
    expect(await array.get('ChildJobStatuses')).toEqual(['Failed', 'Failed']);
    expect(await listed(plan.jobId)).toMatchObject({ JobType: 'Array', JobStatus: 'Completed', JobStatusReason: reason });
    expect(await listedInProgress(env, plan.jobId)).toEqual([]);
  });

  it('ends the Azure job of a single job whose workflow was deleted, and records Failed under the same id: status, ls and watch say why', async () => {
    const job = await submit(env, { command: '/bin/sh -c "sleep 300"' });
    await waitForStatus(job, ['Running']);
    await deleteWorkflow(await env.client(), job.jobId);

    const azureJob = await azureJobEnded(job.jobId);
    expect(azureJob.executionInfo?.terminateReason).toBe('remote-batch reconciler: its workflow was deleted from Temporal');
    expect((await azureSdk(env).batch.task.get(job.jobId, '10000000')).state).toBe('completed');
    await finalStatus(job, 'Failed');
    const reason = 'Terminated by the remote-batch reconciler: its workflow was deleted from Temporal.';
    expect(await job.get('JobStatusReason')).toBe(reason);
    expect(await job.get('JobType')).toBe('Single');
    expect(await listed(job.jobId)).toMatchObject({ JobStatus: 'Failed', JobStatusReason: reason });
    expect(await listedInProgress(env, job.jobId)).toEqual([]);
    await cliReads(job.jobId, { JobStatus: 'Failed', JobStatusReason: reason });
  });

  it("ends the Azure job of an array whose workflow was deleted: Completed, its unfinished children Failed, a finished child's result kept", async () => {
    const array = await mapSubmit(env, { command: '/bin/sh -c "if [ $REMOTE_BATCH_CHILD_INDEX = 1 ]; then sleep 3; echo 42 > result.json; else sleep 300; fi"' }, [1, 2]);
    await runningChild(array);
    await deleteWorkflow(await env.client(), array.jobId);

    const azureJob = await azureJobEnded(array.jobId);
    expect(azureJob.executionInfo?.terminateReason).toBe('remote-batch reconciler: its workflow was deleted from Temporal');
    await finalStatus(array, 'Completed');
    const reason = 'Terminated by the remote-batch reconciler: its workflow was deleted from Temporal.';
    expect(await array.get('JobStatusReason')).toBe(reason);
    expect(await array.get('JobType')).toBe('Array');
    expect(await array.get('ChildJobCount')).toBe(2);
    expect(await array.get('ChildJobStatuses')).toEqual(['Succeeded', 'Failed']);
    expect(await array.get('ChildJobStatusReasons')).toEqual([expect.anything(), reason]);
    expect(await array.get('ChildJobEvaluationResults')).toEqual([42, null]);
    expect(await listed(array.jobId)).toMatchObject({ JobType: 'Array', JobStatus: 'Completed', JobStatusReason: reason });
    expect(await listedInProgress(env, array.jobId)).toEqual([]);
    await cliReads(array.jobId, { JobStatus: 'Completed', JobStatusReason: reason });
  });

  it("reads a terminated script array's children as a script's: a child that finished keeps its result", async () => {
    const array = await mapSubmit(env, { script: path.join(__dirname, 'fixtures', 'slowTenfold.ts') }, [3, 300]);
    await runningChild(array);
    await (await env.client()).workflow.getHandle(array.jobId).terminate('terminated by the test');

    await waitFor(() => array.get('JobStatusReason'), (reason) => String(reason).includes('reconciler'), reconciled, 'the recorded status', 500);
    expect(await array.get('ChildJobStatuses')).toEqual(['Succeeded', 'Failed']);
    expect(await array.get('ChildJobEvaluationResults')).toEqual([30, null]);
    expect(await array.child(1).get('EvaluationResult')).toBe(30);
    expect(await listedInProgress(env, array.jobId)).toEqual([]);
  });

  it('deletes the upload of a submission whose workflow never started, and keeps those of jobs that did', async () => {
    const inputFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rb-upload-')), 'data.txt');
    fs.writeFileSync(inputFile, 'uploaded, then the start was refused');
    const started = await submit(env, { command: '/bin/sh -c "cat data.txt"' }, { inputFiles: [inputFile] });
    // What submit does before Temporal is asked to start anything, and no start after it.
    const abandoned = planSubmission({ command: '/bin/sh -c "cat data.txt"' }, { inputFiles: [inputFile] });
    await carryOutSubmission(env, abandoned);
    const blobs = azureSdk(env).blobs;
    expect(await blobs.getContainerClient(jobContainerName(abandoned.jobId)).exists()).toBe(true);

    await waitFor(() => blobs.getContainerClient(jobContainerName(abandoned.jobId)).exists(), (exists) => !exists, reconciled, 'the upload to be deleted', 500);
    await waitForStatus(started, ['Succeeded']);
    expect(await blobs.getContainerClient(jobContainerName(started.jobId)).exists()).toBe(true);
    expect(await started.get('JobLog')).toContain('uploaded, then the start was refused');
  });

  it('keeps one run making its passes: the workflow list does not gain a reconciler run per pass', async () => {
    // The tests above each needed passes (every 2 s in this stack), so dozens have been made by now.
    const client = await env.client();
    const runs: { status: string; startTime: number }[] = [];
    for await (const run of client.workflow.list({ query: `WorkflowType = 'reconcileOrphans'` })) runs.push({ status: run.status.name, startTime: run.startTime.getTime() });
    // A run makes up to maxPassesPerRun passes, 2 s apart here, before the next one starts.
    const sinceFirst = Date.now() - Math.min(...runs.map((run) => run.startTime));
    expect(runs.length).toBeLessThanOrEqual(Math.floor(sinceFirst / (maxPassesPerRun * 2000)) + 2);
    expect(runs.map((run) => run.status)).toContain('RUNNING');
  });
});
