/**
 * No container engine runs here, so this runs the compose file's own commands
 * and environment as local processes, with what Docker would provide mapped in:
 * service names → 127.0.0.1, container ports → free ports, named volumes →
 * temporary folders, the image's prebuilt workflow bundle → one built by the
 * Dockerfile's own RUN line. Temporal is the dev server (the PostgreSQL server
 * has its own suite). A job then runs through the workers' compose command.
 */
import { Client, Connection } from '@temporalio/client';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BatchServiceClient, BatchSharedKeyCredentials } from '@azure/batch';
import { BlobServiceClient } from '@azure/storage-blob';
import { temporal as temporalProto } from '@temporalio/proto';
import type { SingleJobState } from '../../src/model/jobStates';
import { searchAttributeKeys } from '../../src/model/searchAttributes';
import { taskQueue } from '../../src/client/temporalSettings';
import { parsePoolSpecs } from '../../src/emulator/config';
import { canConnect, findFreePort } from '../../src/stack/ports';
import { ManagedProcess } from '../../src/stack/managedProcess';
import { ensureTemporalCli } from '../../src/stack/temporalCli';
import { startTemporalServer, type RunningTemporalServer } from '../../src/stack/temporalServer';
import { metricsHostVariable, metricsPortVariable } from '../../src/telemetry/telemetrySettings';
import { workflowBundleVariable } from '../../src/workflowBundle';
import { flagValue, repoRoot, resolvedCompose, type ComposeService } from './support/composeModel';
import { instructions, parseDockerfile, stageEnvironment } from './support/dockerfile';

jest.setTimeout(300_000);

const model = resolvedCompose(['docker-compose.yml']);
const dockerfile = parseDockerfile(fs.readFileSync(path.join(repoRoot, 'deploy', 'Dockerfile'), 'utf8'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-topology-'));
const started: { stop(): Promise<void> }[] = [];

/** The service's command with its named volumes' folders mapped to folders under `work`. */
function withVolumes(service: ComposeService): string[] {
  const folders = new Map(service.volumes.filter((volume) => !volume.bind).map((volume) => [volume.target, path.join(work, service.name, volume.source)]));
  return service.command.map((part) => folders.get(part) ?? part);
}

function replaceFlag(command: string[], flag: string, value: string): string[] {
  const index = command.indexOf(flag);
  if (index < 0) throw new Error(`command has no ${flag}: ${command.join(' ')}`);
  return [...command.slice(0, index + 1), value, ...command.slice(index + 2)];
}

/** Runs a compose command here: `node …` with this Node, from the repository (the image's WORKDIR). */
function startService(name: string, command: string[], env: Record<string, string>, isReady: () => Promise<boolean>): Promise<ManagedProcess> {
  const [program, ...args] = command;
  expect(program).toBe('node');
  return ManagedProcess.start({
    name,
    command: process.execPath,
    args,
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    logFile: path.join(work, 'logs', `${name}.log`),
    isReady,
  }).then((service) => {
    started.push(service);
    return service;
  });
}

let temporal: RunningTemporalServer;
let cliPath: string;
let ports: { azurite: number; emulator: number; metrics: number };
let bundleFile: string;
let workerEnv: Record<string, string>;
let connectionsFile: string;

beforeAll(async () => {
  // The image's workflow bundle, built by the Dockerfile's own RUN line into `work`.
  const bundleRun = dockerfile.stages.flatMap((stage) => instructions(stage, 'RUN')).find((run) => run.includes('src/workflowBundle.ts'))!;
  const [program, ...args] = bundleRun.split(/\s+/);
  expect(program).toBe('node');
  bundleFile = path.join(work, 'workflow-bundle.js');
  args[args.indexOf('src/workflowBundle.ts') + 1] = bundleFile;
  const built = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building the workflow bundle failed:\n${built.stderr}`);

  temporal = await startTemporalServer({
    cliPath: (cliPath = ensureTemporalCli(() => undefined)),
    port: await findFreePort(),
    uiPort: await findFreePort(),
    dataDir: path.join(work, 'temporal'),
    logFile: path.join(work, 'logs', 'temporal.log'),
  });
  started.push(temporal);
  ports = { azurite: await findFreePort(), emulator: await findFreePort(), metrics: await findFreePort() };

  const azurite = model.services.azurite;
  let azuriteCommand = replaceFlag(withVolumes(azurite), '--blobPort', String(ports.azurite));
  azuriteCommand = replaceFlag(azuriteCommand, '--blobHost', '127.0.0.1');
  const emulator = model.services['batch-emulator'];
  // allSettled: a service still starting when another failed is stopped too.
  const services = await Promise.allSettled([
    startService('azurite', azuriteCommand, azurite.environment, () => canConnect(ports.azurite)),
    startService(
      'batch-emulator',
      withVolumes(emulator),
      { ...emulator.environment, BATCH_EMULATOR_HOST: '127.0.0.1', BATCH_EMULATOR_PORT: String(ports.emulator) },
      async () => (await fetch(`http://127.0.0.1:${ports.emulator}/health`)).ok,
    ),
  ]);
  const failed = services.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;

  // The workers' connections file, with the service names resolved as Docker's network would.
  const worker = model.services.worker;
  const mounted = worker.volumes.find((volume) => volume.target === worker.environment.REMOTE_BATCH_CONNECTIONS_FILE)!;
  connectionsFile = path.join(work, 'connections.json');
  fs.writeFileSync(
    connectionsFile,
    fs
      .readFileSync(path.resolve(repoRoot, mounted.source), 'utf8')
      .replaceAll(`http://batch-emulator:${emulator.environment.BATCH_EMULATOR_PORT}`, `http://127.0.0.1:${ports.emulator}`)
      .replaceAll(`http://azurite:${flagValue(azurite.command, '--blobPort')}`, `http://127.0.0.1:${ports.azurite}`),
  );
  const runtime = dockerfile.stages[dockerfile.stages.length - 1];
  expect(stageEnvironment(runtime)[workflowBundleVariable]).toBeDefined();
  // The exposed metrics port, as a container's own: here a free port on loopback.
  expect(worker.expose).toEqual([worker.environment[metricsPortVariable]]);
  workerEnv = {
    ...worker.environment,
    TEMPORAL_ADDRESS: temporal.address,
    REMOTE_BATCH_CONNECTIONS_FILE: connectionsFile,
    [workflowBundleVariable]: bundleFile,
    [metricsHostVariable]: '127.0.0.1',
    [metricsPortVariable]: String(ports.metrics),
  };
});

afterAll(async () => {
  for (const service of started.reverse()) await service.stop().catch(() => undefined);
  fs.rmSync(work, { recursive: true, force: true });
});

function healthCheck(): number | null {
  const [program, ...args] = model.services.worker.healthcheck!.slice(1);
  expect(program).toBe('node');
  return spawnSync(process.execPath, args, { cwd: repoRoot, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...workerEnv }, encoding: 'utf8' }).status;
}

test('the emulator’s compose command serves the pools of its compose environment, with the key the workers use', async () => {
  const connections = JSON.parse(fs.readFileSync(connectionsFile, 'utf8')) as { connections: { local: { batch: { endpoint: string; accountName: string; accountKey: string } } } };
  const batch = connections.connections.local.batch;
  const client = new BatchServiceClient(new BatchSharedKeyCredentials(batch.accountName, batch.accountKey), batch.endpoint);
  const pools = await client.pool.list();
  expect(pools.map((pool) => pool.id)).toEqual(parsePoolSpecs(model.services['batch-emulator'].environment.BATCH_EMULATOR_POOLS).map((pool) => pool.id));
});

test('Azurite’s compose command stores blobs with the workers’ connection string', async () => {
  const connections = JSON.parse(fs.readFileSync(connectionsFile, 'utf8')) as { connections: { local: { storage: { connectionString: string } } } };
  const service = BlobServiceClient.fromConnectionString(connections.connections.local.storage.connectionString);
  const container = service.getContainerClient(`compose-check-${process.pid}`);
  await container.create();
  await container.getBlockBlobClient('hello.txt').upload('hi', 2);
  expect((await container.getBlockBlobClient('hello.txt').downloadToBuffer()).toString()).toBe('hi');
});

test('the temporal-init script creates its namespace and registers every search attribute, and can run again', async () => {
  const init = model.services['temporal-init'];
  const script = init.volumes.find((volume) => volume.target === init.entrypoint[1])!;
  const namespace = `compose-init-${process.pid}`;
  const run = () =>
    spawnSync('sh', [path.resolve(repoRoot, script.source)], {
      encoding: 'utf8',
      env: {
        ...init.environment,
        PATH: `${path.dirname(cliPath)}:${process.env.PATH}`,
        HOME: work,
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_NAMESPACE: namespace,
      },
    });
  const first = run();
  expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
  const again = run();
  expect(again.status).toBe(0);
  expect(again.stdout).toContain(`search attribute ${searchAttributeKeys[0].name} exists`);

  const connection = await Connection.connect({ address: temporal.address });
  try {
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    const types = Object.fromEntries(
      Object.entries(listed.customAttributes ?? {}).map(([name, type]) => [name, temporalProto.api.enums.v1.IndexedValueType[type].replace('INDEXED_VALUE_TYPE_', '')]),
    );
    for (const key of searchAttributeKeys) expect({ name: key.name, type: types[key.name] }).toEqual({ name: key.name, type: key.type });
  } finally {
    await connection.close();
  }
});

test('the workers’ health check fails with no worker, passes once the compose worker command polls, and a job runs through it', async () => {
  expect(healthCheck()).toBe(1);

  const worker = await startService('worker', model.services.worker.command, workerEnv, async () => healthCheck() === 0);
  expect(healthCheck()).toBe(0);
  // It loaded the prebuilt bundle, and did not bundle again (the SDK logs this line when it does).
  const log = fs.readFileSync(worker.logFile, 'utf8');
  expect(log).toContain(`prebuilt workflow bundle ${bundleFile}`);
  expect(log).not.toContain('Workflow bundle created');

  const connection = await Connection.connect({ address: temporal.address });
  try {
    const client = new Client({ connection, namespace: workerEnv.TEMPORAL_NAMESPACE });
    const state = await client.workflow.execute('singleJob', {
      taskQueue,
      workflowId: `compose-topology-${process.pid}`,
      args: [{ environment: { poolId: 'local', connection: 'local' }, body: { kind: 'command', commandLine: '/bin/sh -c "echo from-compose"' } }],
    });
    expect((state as SingleJobState).status).toBe('Succeeded');
  } finally {
    await connection.close();
  }
  // What a Prometheus on the compose network scrapes: the SDK's series and ours, the job's activities counted.
  const metrics = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
  expect(metrics).toMatch(/^temporal_/m);
  expect(metrics).toMatch(/^remote_batch_activity_duration_seconds_count\{.*activity="addSingleTask"/m);
});
