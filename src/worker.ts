import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import { sanitizedActivityErrors } from './activities/azureErrors';
import { createReconcilerActivities } from './activities/reconciler';
import { ConnectionClients } from './azure/connectionClients';
import { ensureReconcilerSchedule } from './client/reconcilerSchedule';
import { taskQueue, temporalSettingsFromEnvironment } from './client/temporalSettings';
import { knownConnectionNames } from './connections/store';
import { reconcilerSettingsFromEnvironment } from './model/reconcilerSettings';

/** Runs our workflows and activities until SIGINT/SIGTERM. */
export async function runWorker(): Promise<void> {
  const temporal = temporalSettingsFromEnvironment();
  const reconciler = reconcilerSettingsFromEnvironment(process.env);
  const connection = await NativeConnection.connect({ address: temporal.address, tls: temporal.tls, apiKey: temporal.apiKey });
  try {
    const client = new Client({ connection, namespace: temporal.namespace });
    const clients = new ConnectionClients();
    const worker = await Worker.create({
      connection,
      namespace: temporal.namespace,
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities: {
        ...createActivities(clients),
        ...createReconcilerActivities({ clients, temporal: client, connectionNames: () => knownConnectionNames() }),
      },
      interceptors: { activity: [sanitizedActivityErrors] },
      shutdownGraceTime: '5 seconds',
    });
    const schedule = await ensureReconcilerSchedule(client, reconciler);
    console.log(
      `reconciler schedule ${schedule}: every ${reconciler.intervalMs / 1000} s, grace period ${reconciler.gracePeriodMs / 1000} s`,
    );
    console.log(`remote-batch worker polling task queue '${taskQueue}' on ${temporal.address} (namespace ${temporal.namespace})`);
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
