import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loopback } from './config';
import { ManagedProcess, ServiceStartError } from './managedProcess';
import { assertPortFree, findFreePort, isPortFree } from './ports';
import { startPostgres, type RunningPostgres } from './postgres';
import { ensureTemporalServerBinaries, type TemporalServerBinaries } from './temporalServerBinaries';
import {
  temporalDatabaseNames,
  temporalDynamicConfigYaml,
  temporalServerConfigYaml,
  type TemporalServicePorts,
} from './temporalServerConfig';
import { isServing, registerSearchAttributes } from './temporalServer';

export interface PostgresTemporalOptions {
  /** The frontend's gRPC port: what clients and workers dial. */
  port: number;
  /** State folder: the PostgreSQL cluster and the server's generated configuration. */
  dataDir: string;
  logsDir: string;
  namespace?: string;
  log?: (line: string) => void;
}

export interface RunningPostgresTemporal {
  address: string;
  namespace: string;
  /** `host:port` of the PostgreSQL cluster holding Temporal's persistence and visibility databases. */
  databaseAddress: string;
  /** Stops and starts the server process again (same configuration, same databases). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const historyShards = 4;
const retention = '7 days';

function runSqlTool(binaries: TemporalServerBinaries, database: RunningPostgres, dbName: string, args: string[], logFile: string) {
  return new Promise<{ ok: boolean; output: string }>((resolve) => {
    const child = spawn(binaries.sqlTool, ['--plugin', 'postgres12', '--db', dbName, ...args], {
      env: {
        ...process.env,
        SQL_HOST: database.host,
        SQL_PORT: String(database.port),
        SQL_USER: database.user,
        SQL_PASSWORD: database.password,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      fs.appendFileSync(logFile, chunk);
      output = (output + chunk.toString('utf8')).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => resolve({ ok: false, output: error.message }));
    child.once('exit', (code) => resolve({ ok: code === 0, output: output.trim().split('\n').slice(-5).join('\n') }));
  });
}

/**
 * Creates both databases and their base schema once (a marker file records it:
 * `setup-schema` on an existing database would reset its version), then brings
 * each up to the newest versioned schema the server ships, at every start.
 */
async function prepareSchemas(binaries: TemporalServerBinaries, database: RunningPostgres, dataDir: string, logFile: string): Promise<void> {
  const marker = path.join(dataDir, 'schema-created');
  const schemas = [
    { name: temporalDatabaseNames.persistence, dir: path.join(binaries.postgresSchemaDir, 'temporal', 'versioned') },
    { name: temporalDatabaseNames.visibility, dir: path.join(binaries.postgresSchemaDir, 'visibility', 'versioned') },
  ];
  const steps = (dir: string) => [
    ...(fs.existsSync(marker) ? [] : [['create-database'], ['setup-schema', '-v', '0.0']]),
    ['update-schema', '-d', dir],
  ];
  for (const schema of schemas) {
    for (const step of steps(schema.dir)) {
      const result = await runSqlTool(binaries, database, schema.name, step, logFile);
      if (!result.ok) throw new ServiceStartError(`temporal-sql-tool ${step[0]} failed for database ${schema.name}:\n${result.output}`);
    }
  }
  fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
}

/** The membership table stores ports as a signed smallint, so the OS's ephemeral ports (32768 and up) do not fit. */
async function freePortsBelow32768(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let tries = 0; ports.length < count && tries < 1000; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!ports.includes(port) && (await isPortFree(port))) ports.push(port);
  }
  if (ports.length < count) throw new ServiceStartError('Found no free ports from 20000 to 31999 for the Temporal server.');
  return ports;
}

async function freeServicePorts(frontendGrpc: number): Promise<TemporalServicePorts> {
  const [frontendHttp, frontendMembership, historyGrpc, historyMembership, matchingGrpc, matchingMembership, workerGrpc, workerMembership] =
    await freePortsBelow32768(8);
  return {
    frontendGrpc, frontendHttp, frontendMembership, historyGrpc, historyMembership, matchingGrpc, matchingMembership, workerGrpc, workerMembership,
  };
}

/** A real server has no namespace until one is registered; it is usable once the frontend's cache knows it. */
async function ensureNamespace(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const service = connection.workflowService;
    const exists = await service.describeNamespace({ namespace }).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await service
        .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(retention) })
        .catch((error: { code?: number }) => {
          // ALREADY_EXISTS: another start registered it in between.
          if (error.code !== 6) throw error;
        });
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      const usable = await service.countWorkflowExecutions({ namespace }).then(
        () => true,
        () => false,
      );
      if (usable) return;
      if (Date.now() > deadline) throw new ServiceStartError(`Namespace ${namespace} was registered but did not become usable within 60s.`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await connection.close();
  }
}

/**
 * The production topology's Temporal: the real server (all services in one
 * process, built from source and cached) on our own PostgreSQL cluster, with
 * SQL visibility, a registered namespace and the project's search attributes.
 */
export async function startPostgresTemporal(options: PostgresTemporalOptions): Promise<RunningPostgresTemporal> {
  const log = options.log ?? (() => undefined);
  const namespace = options.namespace ?? 'default';
  await assertPortFree(options.port, 'the Temporal server', 'REMOTE_BATCH_TEMPORAL_PORT');
  const binaries = await ensureTemporalServerBinaries(log);
  const address = `${loopback}:${options.port}`;
  const serverDir = path.resolve(options.dataDir, 'temporal-server');
  fs.mkdirSync(serverDir, { recursive: true });

  const database = await startPostgres({
    dataDir: path.join(options.dataDir, 'postgres'),
    port: await findFreePort(),
    logFile: path.join(options.logsDir, 'postgres.log'),
    log,
  });
  let server: ManagedProcess | undefined;
  const stop = async () => {
    await server?.stop();
    await database.stop();
  };
  try {
    await prepareSchemas(binaries, database, serverDir, path.join(options.logsDir, 'temporal-sql-tool.log'));
    const dynamicConfigFile = path.join(serverDir, 'dynamicconfig.yaml');
    const configFile = path.join(serverDir, 'config.yaml');
    fs.writeFileSync(dynamicConfigFile, temporalDynamicConfigYaml);
    fs.writeFileSync(
      configFile,
      temporalServerConfigYaml({
        host: loopback,
        ports: await freeServicePorts(options.port),
        database,
        dynamicConfigFile,
        historyShards,
      }),
      { mode: 0o600 },
    );
    const startServer = () =>
      ManagedProcess.start({
        name: 'Temporal server',
        command: binaries.server,
        args: ['--config-file', configFile, '--allow-no-auth', 'start'],
        logFile: path.join(options.logsDir, 'temporal.log'),
        isReady: () => isServing(address),
        readyTimeoutMs: 120_000,
      });
    server = await startServer();
    await ensureNamespace(address, namespace);
    await registerSearchAttributes(address, namespace);
    return {
      address,
      namespace,
      databaseAddress: `${database.host}:${database.port}`,
      restart: async () => {
        await server?.stop();
        server = undefined;
        server = await startServer();
        await ensureNamespace(address, namespace);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
