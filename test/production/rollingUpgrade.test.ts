/**
 * Worker Versioning on the real Temporal server: version B of the workers
 * (the same code under another build id, as a new release would be) is made
 * current while a single job and an array run on version A's workers.
 */
import type { BatchServiceModels } from '@azure/batch';
import { Client, Connection } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { azureSdk } from '../support/azureSdk';
import { type ArrayJob, type BatchEnvironment, type BatchJob, batchEnvironment, mapSubmit, submit } from '../../src/client';
import type { LocalStack } from '../../src/stack/localStack';
import type { ManagedProcess } from '../../src/stack/managedProcess';
import { ensureTemporalCli } from '../../src/stack/temporalCli';
import { startWorkerProcess } from '../../src/stack/workerProcess';
import { buildIdVariable } from '../../src/workerVersion';
import { waitFor } from '../support/waitFor';
import { startProductionStack } from './support/productionStack';
import { drainageOf, runFacts, runIds, versioningOf } from './support/workerVersions';

const minutes = (count: number) => count * 60_000;

/** A task that waits for its gate file: it runs for exactly as long as the test needs it to. */
const gated = (gate: string, then: string) => `/bin/sh -c "while [ ! -e ${gate} ]; do sleep 0.1; done; ${then}"`;
/** Children after the first `free` wait for the gate; each computes from its element and index, so a misplaced answer shows. */
const childCommand = (gate: string, free: number) =>
  `/bin/sh -c "[ $REMOTE_BATCH_CHILD_INDEX -le ${free} ] || while [ ! -e ${gate} ]; do sleep 0.1; done; ` +
  `echo $(( $(cat $REMOTE_BATCH_ELEMENT_FILE) * 7 + $REMOTE_BATCH_CHILD_INDEX )) > result.json"`;
const elements = Array.from({ length: 30 }, (_, i) => 500 + 11 * i);
const ungatedChildren = 6;

describe('rolling upgrade: version B made current while jobs run on version A', () => {
  let stack: LocalStack;
  /** Single jobs have a pool of their own: the array's gated children hold every slot of theirs. */
  let arrays: BatchEnvironment;
  let singles: BatchEnvironment;
  let connection: Connection;
  let temporal: Client;
  const versionB: ManagedProcess[] = [];
  const batch = () => azureSdk('local').batch;

  beforeAll(async () => {
    stack = await startProductionStack('upgrade', { pools: 'arrays:2:4,singles:1:2', workers: 2 });
    arrays = batchEnvironment({ poolId: 'arrays', connection: 'local', temporal: { address: stack.temporalAddress } });
    singles = batchEnvironment({ poolId: 'singles', connection: 'local', temporal: { address: stack.temporalAddress } });
    connection = await Connection.connect({ address: stack.temporalAddress });
    temporal = new Client({ connection, namespace: stack.namespace });
  }, minutes(5));

  afterAll(async () => {
    await Promise.all(versionB.map((worker) => worker.stop()));
    await connection?.close();
    await arrays?.close();
    await singles?.close();
    await stack?.stop();
  });

  /** Two workers of `version`, started as the stack starts its own, with the build id overridden. */
  async function startWorkers(version: WorkerDeploymentVersion): Promise<string[]> {
    const names = ['worker-b-1', 'worker-b-2'];
    const identities = names.map((name) => `remote-batch-${name}@${process.pid}`);
    const starts = await Promise.allSettled(
      names.map((name, i) =>
        startWorkerProcess({
          temporalAddress: stack.temporalAddress,
          namespace: stack.namespace,
          connectionsFile: stack.connectionsFile,
          logFile: path.join(stack.logsDir, `${name}.log`),
          identity: identities[i],
          env: { [buildIdVariable]: version.buildId },
        }),
      ),
    );
    versionB.push(...starts.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : [])));
    const failed = starts.find((start): start is PromiseRejectedResult => start.status === 'rejected');
    if (failed) throw failed.reason;
    return identities;
  }

  const setCurrentWithCli = (version: WorkerDeploymentVersion) =>
    spawnSync(
      ensureTemporalCli(),
      ['worker', 'deployment', 'set-current-version', '--address', stack.temporalAddress, '--namespace', stack.namespace,
        '--deployment-name', version.deploymentName, '--build-id', version.buildId, '--yes'],
      { encoding: 'utf8' },
    );

  const status = (job: BatchJob | ArrayJob) => job.get('JobStatus') as Promise<string>;

  it('keeps the pinned single job on A, starts new jobs on B, moves the array to B, and A drains', async () => {
    const began = Date.now();
    const gates = path.join(stack.logsDir, '..', 'gates');
    fs.mkdirSync(gates, { recursive: true });
    const singleGate = path.join(gates, 'single');
    const arrayGate = path.join(gates, 'array');
    const a = stack.workerVersion;
    const b = { deploymentName: a.deploymentName, buildId: `${a.buildId}-b` };
    const identitiesA = stack.workers.map((worker) => worker.identity);

    const single = await submit(singles, { command: gated(singleGate, 'echo 42 > result.json') });
    const array = await mapSubmit(arrays, { command: childCommand(arrayGate, ungatedChildren) }, elements);
    await waitFor(() => status(single), (now) => now === 'Running', minutes(2), 'the single job to run');
    const counts = async () => (await array.get('ChildJobCounts')) as { succeeded: number };
    await waitFor(counts, ({ succeeded }) => succeeded >= ungatedChildren, minutes(2), 'the ungated children to succeed on A', 250);

    const identitiesB = await startWorkers(b);
    // The command CONTRIBUTING.md gives for production; a version is known to Temporal from its workers' first poll.
    await waitFor(async () => setCurrentWithCli(b), (result) => result.status === 0, 30_000, `the CLI to make ${b.buildId} current`, 500);
    const switchedAt = Date.now();

    // New work goes to B: a single job started now is pinned to B from its first task.
    const after = await submit(singles, { command: '/bin/sh -c "echo 7 > result.json"' });
    await waitFor(() => status(after), (now) => now === 'Succeeded', minutes(2), 'the job started after the switch');
    expect(await after.get('EvaluationResult')).toBe(7);
    expect(await versioningOf(temporal, after.jobId)).toEqual({ behavior: 'VERSIONING_BEHAVIOR_PINNED', buildId: b.buildId });
    const afterFacts = await runFacts(temporal, after.jobId);
    expect(new Set(afterFacts.workflowTasks.map((task) => task.buildId))).toEqual(new Set([b.buildId]));
    expect(afterFacts.activityWorkers.filter((identity) => !identitiesB.includes(identity))).toEqual([]);

    // The array moves to B at its next workflow task, while its gated children still run.
    const arrayTasksOn = async (buildId: string) => (await runFacts(temporal, array.jobId)).workflowTasks.filter((task) => task.buildId === buildId).length;
    await waitFor(() => arrayTasksOn(b.buildId), (count) => count > 0, minutes(1), 'a workflow task of the array on B', 500);
    expect(await status(array)).toBe('Active');
    expect(await versioningOf(temporal, array.jobId)).toEqual({ behavior: 'VERSIONING_BEHAVIOR_AUTO_UPGRADE', buildId: b.buildId });

    // The pinned single job finishes on A's workers, after the switch.
    fs.writeFileSync(singleGate, '');
    await waitFor(() => status(single), (now) => now === 'Succeeded', minutes(2), 'the pinned single job');
    expect(await single.get('EvaluationResult')).toBe(42);
    const singleFacts = await runFacts(temporal, single.jobId);
    expect(singleFacts.workflowTasks.filter((task) => task.scheduledAt > switchedAt).length).toBeGreaterThan(0);
    expect(new Set(singleFacts.workflowTasks.map((task) => task.buildId))).toEqual(new Set([a.buildId]));
    expect(singleFacts.activityWorkers.filter((identity) => !identitiesA.includes(identity))).toEqual([]);

    // Nothing is pinned to A any more: Temporal says so, and A's workers are stopped with the array still running.
    await waitFor(() => drainageOf(temporal, a), (drainage) => drainage === 'VERSION_DRAINAGE_STATUS_DRAINED', minutes(2), 'version A to drain', 1000);
    const workersA = stack.services.filter((service) => service.name.startsWith('remote-batch worker'));
    expect(workersA).toHaveLength(2);
    await Promise.all(workersA.map((service) => service.stop()));
    expect(await status(array)).toBe('Active');

    fs.writeFileSync(arrayGate, '');
    await waitFor(() => status(array), (now) => now === 'Completed', minutes(3), 'the array to complete on B alone', 500);
    expect(await array.get('ChildJobStatuses')).toEqual(elements.map(() => 'Succeeded'));
    expect(await array.get('ChildJobEvaluationResults')).toEqual(elements.map((element, i) => element * 7 + i + 1));

    // Across the array's runs: no failed workflow task (no nondeterminism), A's workers until its first task on B, then only B's.
    const arrayTasks = [];
    for (const runId of await runIds(temporal, array.jobId)) {
      const facts = await runFacts(temporal, array.jobId, runId);
      expect(facts.failedWorkflowTasks).toBe(0);
      arrayTasks.push(...facts.workflowTasks);
    }
    const firstOnB = arrayTasks.findIndex((task) => task.buildId === b.buildId);
    expect(firstOnB).toBeGreaterThan(0);
    expect(new Set(arrayTasks.slice(0, firstOnB).map((task) => task.buildId))).toEqual(new Set([a.buildId]));
    expect(new Set(arrayTasks.slice(firstOnB).map((task) => task.buildId))).toEqual(new Set([b.buildId]));
    expect(singleFacts.failedWorkflowTasks + afterFacts.failedWorkflowTasks).toBe(0);

    // One Azure job per job, every task ran once.
    const jobs = (await batch().job.list()).map((job) => job.id!).sort();
    expect(jobs).toEqual([single.jobId, array.jobId, after.jobId].sort());
    for (const jobId of jobs) {
      const tasks: BatchServiceModels.CloudTask[] = await batch().task.list(jobId);
      expect(tasks).toHaveLength(jobId === array.jobId ? elements.length : 1);
      const reruns = tasks.filter((task) => task.executionInfo?.retryCount || task.executionInfo?.requeueCount);
      expect(reruns.map((task) => task.id)).toEqual([]);
    }
    process.stderr.write(`[upgrade] the rolling upgrade took ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
  }, minutes(10));
});
