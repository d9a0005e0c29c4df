/**
 * REMOTE_BATCH_MAKE_CURRENT, how the compose workers route new jobs to their
 * version: a worker makes its version current once it polls, and a worker of
 * a version that was current before, restarted after its successor took over,
 * leaves the successor current. A deployment and task queue of the test's own
 * leave the stack's routing alone.
 */
import { Client, Connection } from '@temporalio/client';
import fs from 'node:fs';
import path from 'node:path';
import type { ManagedProcess } from '../../src/stack/managedProcess';
import { startWorkerProcess } from '../../src/stack/workerProcess';
import { buildIdVariable, deploymentNameVariable, makeCurrentVariable } from '../../src/workerVersion';
import { waitFor } from '../support/waitFor';

const deploymentName = `make-current-${process.pid}`;
const taskQueue = deploymentName;
const logsDir = () => process.env.REMOTE_BATCH_TEST_LOGS_DIR!;

let connection: Connection;
let client: Client;
const workers: ManagedProcess[] = [];

beforeAll(async () => {
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  client = new Client({ connection });
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await connection?.close();
});

async function startWorker(buildId: string, logName: string): Promise<ManagedProcess> {
  const worker = await startWorkerProcess({
    temporalAddress: process.env.TEMPORAL_ADDRESS!,
    namespace: 'default',
    connectionsFile: process.env.REMOTE_BATCH_CONNECTIONS_FILE!,
    logFile: path.join(logsDir(), `${logName}.log`),
    taskQueue,
    env: { [deploymentNameVariable]: deploymentName, [buildIdVariable]: buildId, [makeCurrentVariable]: 'true' },
  });
  workers.push(worker);
  return worker;
}

const currentBuildId = async () =>
  (await client.workflowService.describeWorkerDeployment({ namespace: 'default', deploymentName })).workerDeploymentInfo?.routingConfig
    ?.currentDeploymentVersion?.buildId;

/** A single job on the test's queue: it runs only if the queue's deployment has a current version. */
async function runJob(name: string): Promise<string | undefined> {
  const workflowId = `${deploymentName}-${name}`;
  const state = (await client.workflow.execute('singleJob', {
    taskQueue,
    workflowId,
    args: [{ environment: { poolId: 'local', connection: 'local' }, body: { kind: 'command', commandLine: 'true' } }],
  })) as { status: string };
  expect(state.status).toBe('Succeeded');
  const described = await client.workflow.getHandle(workflowId).describe();
  return described.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId ?? undefined;
}

it('a worker makes its new version current; a restarted worker of the previous version leaves its successor current', async () => {
  const first = await startWorker('v1', `worker-${deploymentName}-v1`);
  await waitFor(currentBuildId, (buildId) => buildId === 'v1', { timeoutMs: 30_000, what: 'v1 to become current', intervalMs: 250, tolerateErrors: true });
  expect(await runJob('on-v1')).toBe('v1');

  await startWorker('v2', `worker-${deploymentName}-v2`);
  await waitFor(currentBuildId, (buildId) => buildId === 'v2', { timeoutMs: 30_000, what: 'v2 to become current', intervalMs: 250 });

  await first.stop();
  const restartLog = path.join(logsDir(), `worker-${deploymentName}-v1-again.log`);
  await startWorker('v1', `worker-${deploymentName}-v1-again`);
  // The restarted worker has looked at the deployment and decided: only then is "still v2" an answer.
  await waitFor(async () => fs.readFileSync(restartLog, 'utf8'), (log) => log.includes(`${deploymentName}:v1 left as is: current before`), 30_000, 'the restarted v1 worker to decide', 250);
  expect(await currentBuildId()).toBe('v2');
  expect(await runJob('after-restart')).toBe('v2');
}, 300_000);
