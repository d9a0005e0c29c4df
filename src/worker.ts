import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import { sanitizedActivityErrors } from './activities/azureErrors';
import { ConnectionClients } from './azure/connectionClients';
import { taskQueue, temporalSettingsFromEnvironment } from './client/temporalSettings';
import { workerBuildId } from './workerBuildId';
import { workflowSource } from './workflowBundle';

/** Runs our workflows and activities until SIGINT/SIGTERM. */
export async function runWorker(): Promise<void> {
  const temporal = temporalSettingsFromEnvironment();
  const connection = await NativeConnection.connect({ address: temporal.address, tls: temporal.tls, apiKey: temporal.apiKey });
  const buildId = workerBuildId();
  try {
    const workflows = workflowSource();
    const worker = await Worker.create({
      connection,
      namespace: temporal.namespace,
      taskQueue,
      ...workflows,
      activities: createActivities(new ConnectionClients()),
      interceptors: { activity: [sanitizedActivityErrors] },
      shutdownGraceTime: '5 seconds',
      // Names the code in every workflow task it completes; routing by version stays off (see CONTRIBUTING.md).
      workerDeploymentOptions: { version: { deploymentName: 'remote-batch', buildId }, useWorkerVersioning: false },
    });
    const from = 'workflowBundle' in workflows ? `prebuilt workflow bundle ${workflows.workflowBundle.codePath}` : 'workflows bundled at start';
    console.log(`remote-batch worker ${buildId} polling task queue '${taskQueue}' on ${temporal.address} (namespace ${temporal.namespace}; ${from})`);
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
