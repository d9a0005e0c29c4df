import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import { sanitizedActivityErrors } from './activities/azureErrors';
import { ConnectionClients } from './azure/connectionClients';
import { temporalSettingsFromEnvironment, workerTaskQueue } from './client/temporalSettings';
import { installWorkerTelemetry } from './telemetry/workerTelemetry';
import { workerBuildId } from './workerBuildId';
import { workflowSource } from './workflowBundle';

/** Runs our workflows and activities until SIGINT/SIGTERM. */
export async function runWorker(): Promise<void> {
  const temporal = temporalSettingsFromEnvironment();
  const telemetry = installWorkerTelemetry();
  const queue = workerTaskQueue();
  const connection = await NativeConnection.connect({ address: temporal.address, tls: temporal.tls, apiKey: temporal.apiKey });
  const buildId = workerBuildId();
  try {
    const workflows = workflowSource();
    const options = telemetry.configure({
      connection,
      namespace: temporal.namespace,
      taskQueue: queue,
      ...workflows,
      activities: createActivities(new ConnectionClients()),
      interceptors: { activity: [sanitizedActivityErrors] },
      shutdownGraceTime: '5 seconds',
      // Names the code in every workflow task it completes; routing by version stays off (see CONTRIBUTING.md).
      workerDeploymentOptions: { version: { deploymentName: 'remote-batch', buildId }, useWorkerVersioning: false },
    });
    // A prebuilt bundle already holds its workflow code: workflow interceptor modules cannot be added to it here.
    if ('workflowBundle' in workflows && options.interceptors) delete options.interceptors.workflowModules;
    const worker = await Worker.create(options);
    telemetry.start(connection, temporal.namespace);
    const from = 'workflowBundle' in workflows ? `prebuilt workflow bundle ${workflows.workflowBundle.codePath}` : 'workflows bundled at start';
    console.log(`remote-batch worker ${buildId} polling task queue '${queue}' on ${temporal.address} (namespace ${temporal.namespace}; ${from})`);
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
