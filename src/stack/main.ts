import { reportStackError } from './reportError';
import { startLocalStack } from './localStack';
import { temporalServerVersion } from './temporalServerBinaries';
import { topologyFromEnvironment } from './topology';
import { versionName } from '../workerVersion';

/** `npm run stack`: the whole local stack in the foreground until Ctrl-C. */
async function main(): Promise<void> {
  const dataDir = process.env.REMOTE_BATCH_DATA_DIR || undefined;
  const topology = topologyFromEnvironment();
  const stack = await startLocalStack({ dataDir, topology, log: (line) => console.log(line) });
  const temporalKind = topology.temporal === 'dev' ? 'dev server, SQLite' : `server ${temporalServerVersion}, PostgreSQL ${stack.temporalDatabaseAddress}`;
  console.log(
    [
      '',
      'remote-batch local stack is up:',
      `  Temporal server     ${stack.temporalAddress} (namespace ${stack.namespace}; ${temporalKind})`,
      `  Temporal Web UI     ${stack.temporalUiUrl ?? 'none (the real server has no built-in UI)'}`,
      `  Azure Batch (emu)   ${stack.batchEndpoint}  pool(s): ${process.env.REMOTE_BATCH_POOLS ?? 'local:2:4'}`,
      `  Blob Storage        ${stack.blobEndpoint} (Azurite)`,
      ...stack.workers.flatMap((worker) => [
        `  worker              ${worker.identity} on task queue 'remote-batch'`,
        `  worker metrics      ${worker.metricsUrl}`,
      ]),
      `  worker version      ${versionName(stack.workerVersion)} (current)`,
      `  connection 'local'  ${stack.connectionsFile}`,
      `  logs                ${stack.logsDir}`,
      '',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack ...`);
    await stack.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => process.exit(reportStackError(error)));
