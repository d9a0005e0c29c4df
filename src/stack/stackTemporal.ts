import path from 'node:path';
import type { ManagedProcess } from './managedProcess';
import { startPostgresTemporal } from './temporalPostgresServer';
import { startTemporalServer, type TemporalServerOptions } from './temporalServer';

/** `dev`: the Temporal CLI's dev server on SQLite (the default). `postgres`: the real server on PostgreSQL. */
export const temporalKinds = ['dev', 'postgres'] as const;
export type TemporalKind = (typeof temporalKinds)[number];

export interface StackTemporal {
  address: string;
  namespace: string;
  /** The Web UI; the dev server has one built in, the real server does not. */
  uiUrl?: string;
  /** `host:port` of PostgreSQL, for the `postgres` kind. */
  databaseAddress?: string;
  /** Stops the server process and starts it again on the same state. */
  restart(): Promise<void>;
  /** The dev server is one process a supervisor can keep running: the one now, and how to start another. */
  supervisable?: { process: ManagedProcess; startAgain(): Promise<ManagedProcess> };
  stop(): Promise<void>;
}

export interface StackTemporalOptions {
  kind: TemporalKind;
  /** The dev server's binary (ensureTemporalCli); unused by `postgres`. */
  cliPath?: string;
  port: number;
  uiPort: number;
  /** The stack's state folder; each kind keeps its own subfolder. */
  dataDir: string;
  logsDir: string;
  log: (line: string) => void;
}

async function startDevTemporal(options: TemporalServerOptions): Promise<StackTemporal> {
  let server = await startTemporalServer(options);
  const startAgain = async () => {
    server = await startTemporalServer(options);
    return server.process;
  };
  return {
    address: server.address,
    namespace: server.namespace,
    uiUrl: server.uiUrl,
    restart: async () => {
      await server.stop();
      await startAgain();
    },
    supervisable: { process: server.process, startAgain },
    stop: () => server.stop(),
  };
}

export function startStackTemporal(options: StackTemporalOptions): Promise<StackTemporal> {
  if (options.kind === 'postgres') {
    return startPostgresTemporal({
      port: options.port,
      dataDir: path.join(options.dataDir, 'temporal-postgres'),
      logsDir: options.logsDir,
      log: options.log,
    });
  }
  if (!options.cliPath) throw new TypeError('The dev server needs the Temporal CLI: cliPath is required.');
  return startDevTemporal({
    cliPath: options.cliPath,
    port: options.port,
    uiPort: options.uiPort,
    dataDir: path.join(options.dataDir, 'temporal'),
    logFile: path.join(options.logsDir, 'temporal.log'),
  });
}
