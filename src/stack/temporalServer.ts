import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import fs from 'node:fs';
import path from 'node:path';
import { loopback } from './config';
import { ManagedProcess } from './managedProcess';
import { assertPortFree } from './ports';
import { searchAttributeKeys } from '../model/searchAttributes';

export interface TemporalServerOptions {
  cliPath: string;
  port: number;
  uiPort: number;
  dataDir: string;
  logFile: string;
  namespace?: string;
}

export interface RunningTemporalServer {
  address: string;
  namespace: string;
  uiUrl: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function isServing(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

/**
 * Registers what is missing. `start-dev --search-attribute` is ignored once the
 * SQLite file exists, so a persisted server would otherwise lack new attributes.
 */
export async function registerSearchAttributes(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const known = new Set(Object.keys(existing.customAttributes ?? {}));
    const missing = searchAttributeKeys.filter((key) => !known.has(key.name));
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`]]),
      ),
    });
  } finally {
    await connection.close();
  }
}

export async function startTemporalServer(options: TemporalServerOptions): Promise<RunningTemporalServer> {
  const namespace = options.namespace ?? 'default';
  await assertPortFree(options.port, 'the Temporal server', 'REMOTE_BATCH_TEMPORAL_PORT');
  await assertPortFree(options.uiPort, 'the Temporal Web UI', 'REMOTE_BATCH_TEMPORAL_UI_PORT');
  const address = `${loopback}:${options.port}`;
  fs.mkdirSync(options.dataDir, { recursive: true });
  const server = await ManagedProcess.start({
    name: 'Temporal server',
    command: options.cliPath,
    args: [
      'server', 'start-dev',
      '--ip', loopback,
      '--port', String(options.port),
      '--ui-ip', loopback,
      '--ui-port', String(options.uiPort),
      '--db-filename', path.join(options.dataDir, 'temporal.db'),
      '--namespace', namespace,
      '--log-level', 'warn',
    ],
    logFile: options.logFile,
    isReady: () => isServing(address),
    readyTimeoutMs: 90_000,
  });
  try {
    await registerSearchAttributes(address, namespace);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    address,
    namespace,
    uiUrl: `http://${loopback}:${options.uiPort}`,
    process: server,
    stop: () => server.stop(),
  };
}
