import { NativeConnection, Worker } from '@temporalio/worker';
import os from 'node:os';
import { createActivities } from './activities';
import { countActivitiesInto } from './activities/activityCounts';
import { sanitizedActivityErrors } from './activities/azureErrors';
import { ConnectionClients } from './azure/connectionClients';
import { taskQueue, temporalSettingsFromEnvironment } from './client/temporalSettings';

/**
 * Runs our workflows and activities until SIGINT/SIGTERM.
 * REMOTE_BATCH_WORKER_IDENTITY names this worker to Temporal (default `pid@host`);
 * REMOTE_BATCH_WORKER_COUNTS_FILE, when set, is kept current with what it ran.
 */
export async function runWorker(): Promise<void> {
  const temporal = temporalSettingsFromEnvironment();
  const identity = process.env.REMOTE_BATCH_WORKER_IDENTITY || `${process.pid}@${os.hostname()}`;
  const countsFile = process.env.REMOTE_BATCH_WORKER_COUNTS_FILE;
  const connection = await NativeConnection.connect({ address: temporal.address, tls: temporal.tls, apiKey: temporal.apiKey });
  try {
    const worker = await Worker.create({
      connection,
      namespace: temporal.namespace,
      taskQueue,
      identity,
      workflowsPath: require.resolve('./workflows'),
      activities: createActivities(new ConnectionClients()),
      interceptors: { activity: [...(countsFile ? [countActivitiesInto(countsFile, identity)] : []), sanitizedActivityErrors] },
      shutdownGraceTime: '5 seconds',
    });
    console.log(`remote-batch worker ${identity} polling task queue '${taskQueue}' on ${temporal.address} (namespace ${temporal.namespace})`);
    await worker.run();
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  runWorker().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
