import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import { sanitizedActivityErrors } from './activities/azureErrors';
import { ConnectionClients } from './azure/connectionClients';
import { taskQueue, temporalSettingsFromEnvironment } from './client/temporalSettings';
import { workerIdentityVariable } from './client/workers';

/** Runs our workflows and activities until SIGINT/SIGTERM. */
export async function runWorker(): Promise<void> {
  const temporal = temporalSettingsFromEnvironment();
  const connection = await NativeConnection.connect({ address: temporal.address, tls: temporal.tls, apiKey: temporal.apiKey });
  try {
    const worker = await Worker.create({
      connection,
      namespace: temporal.namespace,
      taskQueue,
      ...(process.env[workerIdentityVariable] ? { identity: process.env[workerIdentityVariable] } : {}),
      workflowsPath: require.resolve('./workflows'),
      activities: createActivities(new ConnectionClients()),
      interceptors: { activity: [sanitizedActivityErrors] },
      shutdownGraceTime: '5 seconds',
    });
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
