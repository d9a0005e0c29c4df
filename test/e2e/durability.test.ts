import fs from 'node:fs';
import path from 'node:path';
import { createActivities } from '../../src/activities';
import { AzureGateways } from '../../src/azure/gateways';
import { submit } from '../../src/client';
import { azureSdk } from '../support/azureSdk';
import { waitFor } from '../support/waitFor';
import { waitForStatus } from './support/jobs';
import { stackEnvironments } from './support/environments';

const logsDir = () => process.env.REMOTE_BATCH_TEST_LOGS_DIR!;

function killWorker(): void {
  const pid = Number(fs.readFileSync(path.join(logsDir(), 'worker.pid'), 'utf8'));
  process.kill(-pid, 'SIGKILL');
}

function workerRestarts(): number {
  const stackLog = path.join(logsDir(), 'stack.log');
  return fs.existsSync(stackLog) ? fs.readFileSync(stackLog, 'utf8').split('\n').filter((line) => line.includes('remote-batch worker restarted')).length : 0;
}

describe('durability', () => {
  const { local: env } = stackEnvironments();

  it('takes an abort sent while the worker is down into effect when it is back', async () => {
    const job = await submit(env, { command: '/bin/sh -c "sleep 60"' });
    await waitForStatus(job, ['Running']);
    const restartsBefore = workerRestarts();
    killWorker();
    expect(await job.abort('sent while the worker was down')).toBe(true);
    expect(await job.get('JobStatus')).toBe('Running');
    // Nobody restarts it by hand: the stack's supervisor does.
    await waitFor(async () => workerRestarts(), (restarts) => restarts > restartsBefore, { timeoutMs: 120_000, what: 'the supervisor to restart the worker' });
    await waitForStatus(job, ['Failed'], 60_000);
    expect(await job.get('JobStatusReason')).toContain('sent while the worker was down');
  });

  it('never creates a second Azure job or task when an activity is retried', async () => {
    const activities = createActivities(new AzureGateways());
    const jobId = `idempotency-${Date.now()}`;
    const state = { jobId, taskId: '10000000' as const, poolId: 'local', status: 'Active' as const, submittedAt: new Date().toISOString(), inputNames: [], settings: { containerImage: 'node:20-slim', jobPriority: 0, vcpuCount: 1 }, attempts: [] };
    const job = { connection: 'local', jobId, poolId: 'local', priority: 0, requiredSlots: 1, owner: jobId, record: { jobType: 'Single' as const, bodyKind: 'command' as const, state }, inlineInputs: [] };
    await activities.prepareAzureJob(job);
    await activities.prepareAzureJob(job);
    const task = { connection: 'local', jobId, taskId: '10000000', template: { commandLine: 'true', requiredSlots: 1, containerImage: 'node:20-slim', environment: {} }, inputBlobs: [] };
    await activities.addSingleTask(task);
    await activities.addSingleTask(task);
    const { batch } = azureSdk('local');
    // A retry that comes after the task ran and the job ended with it still succeeds.
    await waitFor(() => batch.task.get(jobId, '10000000'), (added) => added.state === 'completed', { what: 'the task to complete' });
    await activities.endAzureJob({ connection: 'local', jobId, reason: 'AllTasksComplete' });
    await waitFor(() => batch.job.get(jobId), (azureJob) => azureJob.state === 'completed', { what: 'the Azure job to complete' });
    await activities.addSingleTask(task);
    const tasks = await batch.task.list(jobId);
    expect(tasks.map((listed) => listed.id)).toEqual(['10000000']);
    await expect(activities.prepareAzureJob({ ...job, owner: 'someone-else' })).rejects.toThrow(/belongs to someone else/);
  });
});
