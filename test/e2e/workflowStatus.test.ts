import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { type ArrayJob, type BatchJob, mapSubmit, submit } from '../../src/client';
import type { ArrayJobState, SingleJobState } from '../../src/model/jobStates';
import { retryUntilMetadataKey } from '../../src/azure/batchGateway';
import { jobFailedType } from '../../src/model/retry';
import { waitFor } from '../support/waitFor';
import { runCli } from './cli/support/cli';
import { stackEnvironments } from './support/environments';
import { azureSdk } from '../support/azureSdk';

/** The workflow's status is the job's: Succeeded/all children succeeded closes completed, Failed closes failed. */
describe('a job workflow closes as its job ends', () => {
  const { local } = stackEnvironments();
  const markers: string[] = [];
  afterAll(() => markers.forEach((marker) => fs.rmSync(marker, { force: true })));

  /** A command line that fails (exit 7) for `child` (or the single job) until the returned marker file exists. */
  function failsUntilMarked(child?: number): { commandLine: string; marker: string } {
    const marker = path.join(os.tmpdir(), `rb-wf-${process.pid}-${Date.now()}-${markers.length}`);
    markers.push(marker);
    const who = child === undefined ? 'true' : `[ "$REMOTE_BATCH_CHILD_INDEX" = ${child} ]`;
    return { commandLine: `/bin/sh -c "if ${who} && [ ! -e ${marker} ]; then exit 7; fi; echo 1 > result.json; echo attempt-ok"`, marker };
  }

  const handle = async (jobId: string) => (await local.client()).workflow.getHandle(jobId);
  const closedStatus = async (jobId: string) =>
    waitFor(async () => (await (await handle(jobId)).describe()).status.name, (status) => status !== 'RUNNING', 90_000, `${jobId} to close`, 200);
  const azureJob = (jobId: string) => azureSdk(local).batch.job.get(jobId);
  const retryUntilOf = async (jobId: string) => (await azureJob(jobId)).metadata?.find((item) => item.name === retryUntilMetadataKey)?.value;

  async function failureOf(jobId: string): Promise<ApplicationFailure> {
    const error = await (await handle(jobId)).result().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    return cause as ApplicationFailure;
  }

  it('closes a Succeeded single job completed, its Azure job ended', async () => {
    const job = await submit(local, { command: 'true' });
    expect(await closedStatus(job.jobId)).toBe('COMPLETED');
    expect(await (await handle(job.jobId)).result()).toMatchObject({ status: 'Succeeded', exitCode: 0 });
    expect((await azureJob(job.jobId)).state).toBe('completed');
  });

  it('closes a Failed single job failed (RemoteBatchJobFailed with the state), its Azure job open for a retry; its result still reads', async () => {
    const job = await submit(local, { command: '/bin/sh -c "exit 3"' }, { retryWindowInSeconds: 3600 });
    expect(await closedStatus(job.jobId)).toBe('FAILED');
    const failure = await failureOf(job.jobId);
    expect(failure.type).toBe(jobFailedType);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details?.[0]).toMatchObject({ status: 'Failed', exitCode: 3, jobId: job.jobId });
    expect(await job.get('JobStatus')).toBe('Failed');
    expect(await job.get('JobExitCode')).toBe(3);
    expect(await job.wait()).toBe('Failed');
    expect((await azureJob(job.jobId)).state).toBe('active');
    const until = await retryUntilOf(job.jobId);
    expect(Date.parse(until!)).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(Date.parse(until!)).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect((await job.state()).retryUntil).toBe(until);
  });

  it('retries a Failed single job as a new linked run over the same Azure job, rerunning its task', async () => {
    const { commandLine, marker } = failsUntilMarked();
    const job: BatchJob = await submit(local, { command: commandLine });
    expect(await closedStatus(job.jobId)).toBe('FAILED');
    const firstRunId = (await (await handle(job.jobId)).describe()).runId;
    const failed = await runCli(['result', job.jobId]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('exited with code 7');
    fs.writeFileSync(marker, '');
    const retried = await runCli(['retry', job.jobId, '--wait']);
    expect(retried.stdout).toContain(`rerunning ${job.jobId} (attempt 2)`);
    expect(retried.code).toBe(0);
    expect(await job.wait()).toBe('Succeeded');
    expect(await closedStatus(job.jobId)).toBe('COMPLETED');
    const state = await job.state();
    expect(state.previousRunId).toBe(firstRunId);
    expect(state.attempts).toEqual([expect.objectContaining({ runId: firstRunId, status: 'Failed', exitCode: 7 })]);
    // watch shows the failure in between, not only the run that succeeded.
    const watched = (await runCli(['watch', job.jobId])).stdout.split('\n').map((line) => line.replace(/^\S+ +/, ''));
    expect(watched.filter(Boolean).map((line) => line.split(/ +/)[0])).toEqual(['Active', 'Running', 'Failed', 'Running', 'Succeeded']);
    expect(watched[2]).toMatch(/— exit code 7; .*exited with code 7.* \(attempt 1, retried\)$/);
    expect(watched[4]).toMatch(/— exit code 0; attempt 2$/);
    expect(await job.get('EvaluationResult')).toBe(1);
    expect(await job.get('JobLog')).toContain('attempt-ok');
    expect((await azureJob(job.jobId)).state).toBe('completed');
    await expect(job.retry()).rejects.toThrow(/nothing that failed/);
  });

  it('closes an array whose children all succeeded completed, and one with a failed child failed', async () => {
    const good = await mapSubmit(local, { command: 'true' }, [1, 2]);
    const bad = await mapSubmit(local, { command: '/bin/sh -c "exit $(( REMOTE_BATCH_CHILD_INDEX == 2 ? 5 : 0 ))"' }, [1, 2, 3]);
    expect(await closedStatus(good.jobId)).toBe('COMPLETED');
    expect((await azureJob(good.jobId)).state).toBe('completed');
    expect(await closedStatus(bad.jobId)).toBe('FAILED');
    const failure = await failureOf(bad.jobId);
    expect(failure.type).toBe(jobFailedType);
    expect((failure.details?.[0] as ArrayJobState).counts).toEqual({ active: 0, running: 0, succeeded: 2, failed: 1 });
    expect(await bad.get('JobStatus')).toBe('Completed');
    expect(await bad.get('JobFailedQ')).toBe(true);
    expect((await azureJob(bad.jobId)).state).toBe('active');
    // The default window: a day.
    expect(Date.parse((await retryUntilOf(bad.jobId))!)).toBeGreaterThan(Date.now() + 23 * 3600_000);
  });

  it('retries the failed children of a closed array in a new linked run, keeping every success', async () => {
    const { commandLine, marker } = failsUntilMarked(2);
    const array: ArrayJob = await mapSubmit(local, { command: commandLine }, [1, 2, 3]);
    expect(await closedStatus(array.jobId)).toBe('FAILED');
    expect(await array.get('ChildJobExitCodes')).toEqual([0, 7, 0]);
    const firstStart = await array.child(1).get('JobStartTime');
    const firstRunId = (await (await handle(array.jobId)).describe()).runId;
    fs.writeFileSync(marker, '');
    expect(await array.retryFailed()).toBe(1);
    expect(await array.wait()).toBe('Completed');
    expect(await closedStatus(array.jobId)).toBe('COMPLETED');
    expect(await array.get('ChildJobExitCodes')).toEqual([0, 0, 0]);
    expect(await array.get('ChildJobEvaluationResults')).toEqual([1, 1, 1]);
    expect(await array.child(1).get('JobStartTime')).toEqual(firstStart);
    const state: ArrayJobState = await array.state();
    expect(state.previousRunId).toBe(firstRunId);
    expect(state.attempts).toEqual([expect.objectContaining({ runId: firstRunId, succeeded: 2, failed: 1 })]);
    expect((await azureJob(array.jobId)).state).toBe('completed');
  });

  it('refuses to retry an array that was aborted', async () => {
    const array = await mapSubmit(local, { command: '/bin/sh -c "sleep 60"' }, [1, 2]);
    await array.abort('not needed');
    expect(await closedStatus(array.jobId)).toBe('FAILED');
    await expect(array.retryFailed()).rejects.toThrow(/aborted/);
    const single = await submit(local, { command: '/bin/sh -c "sleep 60"' });
    await single.abort('not needed either');
    expect(await closedStatus(single.jobId)).toBe('FAILED');
    expect(((await single.state()) as SingleJobState).retryUntil).toBeUndefined();
    await expect(single.retry()).rejects.toThrow(/cannot be retried/);
  });
});
