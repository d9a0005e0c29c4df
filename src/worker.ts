import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import { sanitizedActivityErrors } from './activities/azureErrors';
import { ConnectionClients } from './azure/connectionClients';
import { taskQueue, temporalSettingsFromEnvironment } from './client/temporalSettings';
import { installWorkerTelemetry } from './telemetry/workerTelemetry';

/** Runs our workflows and activities until SIGINT/SIGTERM. */
export async function runWorker(): Promise<void> {
  const temporal = temporalSettingsFromEnvironment();
  const telemetry = installWorkerTelemetry();
  // REMOTE_BATCH_TASK_QUEUE lets a worker serve a queue of its own (tests, canaries); clients submit to 'remote-batch'.
  const queue = process.env.REMOTE_BATCH_TASK_QUEUE || taskQueue;
  const connection = await NativeConnection.connect({ address: temporal.address, tls: temporal.tls, apiKey: temporal.apiKey });
  try {
    const worker = await Worker.create(
      telemetry.configure({
        connection,
        namespace: temporal.namespace,
        taskQueue: queue,
        workflowsPath: require.resolve('./workflows'),
        activities: createActivities(new ConnectionClients()),
        interceptors: { activity: [sanitizedActivityErrors] },
        shutdownGraceTime: '5 seconds',
      }),
    );
    telemetry.start(connection, temporal.namespace);
    console.log(`remote-batch worker polling task queue '${queue}' on ${temporal.address} (namespace ${temporal.namespace})`);
    if (telemetry.metricsUrl) console.log(`metrics for Prometheus at ${telemetry.metricsUrl}`);
    await worker.run();
  } finally {
    await telemetry.shutdown();
    await connection.close();
  }
}

if (require.main === module) {
  runWorker().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
