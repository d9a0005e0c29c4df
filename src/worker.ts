import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import os from 'node:os';
import { createActivities } from './activities';
import { countActivitiesInto } from './telemetry/activityCounts';
import { sanitizedActivityErrors } from './activities/failures';
import { reconcilerActivities } from './activities/reconciler';
import { AzureGateways } from './azure/gateways';
import { ensureReconcilerSchedule } from './client/reconcilerSchedule';
import { taskQueue, temporalSettingsFromEnvironment, workerTaskQueue } from './client/temporalSettings';
import { knownConnectionNames } from './connections/store';
import { reconcilerSettingsFromEnvironment } from './model/reconcilerSettings';
import { installWorkerTelemetry } from './telemetry/workerTelemetry';
import { makeCurrentOnceItPolls } from './workerDeployment';
import { versionedDeploymentOptions, versionName, workerVersionFromEnvironment } from './workerVersion';
import { workflowSource } from './workflowBundle';

/**
 * Runs our workflows and activities until SIGINT/SIGTERM.
 * REMOTE_BATCH_WORKER_IDENTITY names this worker to Temporal (default `pid@host`);
 * REMOTE_BATCH_WORKER_COUNTS_FILE, when set, is kept current with what it ran.
 * Its Worker Deployment version comes from workerVersionFromEnvironment.
 */
export async function runWorker(): Promise<void> {
  const temporal = temporalSettingsFromEnvironment();
  const reconciler = reconcilerSettingsFromEnvironment(process.env);
  const identity = process.env.REMOTE_BATCH_WORKER_IDENTITY || `${process.pid}@${os.hostname()}`;
  const countsFile = process.env.REMOTE_BATCH_WORKER_COUNTS_FILE;
  const telemetry = installWorkerTelemetry();
  const queue = workerTaskQueue();
  const { version, makeCurrent } = workerVersionFromEnvironment();
  const connection = await NativeConnection.connect({ address: temporal.address, tls: temporal.tls, apiKey: temporal.apiKey });
  try {
    const client = new Client({ connection, namespace: temporal.namespace });
    const gateways = new AzureGateways();
    const workflows = workflowSource();
    const options = telemetry.configure({
      connection,
      namespace: temporal.namespace,
      taskQueue: queue,
      identity,
      ...workflows,
      activities: {
        ...createActivities(gateways),
        ...reconcilerActivities({ gateways, temporal: client, connectionNames: () => knownConnectionNames() }),
      },
      interceptors: { activity: [...(countsFile ? [countActivitiesInto(countsFile, identity)] : []), sanitizedActivityErrors] },
      shutdownGraceTime: '5 seconds',
      // Heartbeats reach Temporal within a second, and with them an activity's cancellation (an abort): the
      // workflow waits for its cancelled watcher to have stopped (activityProxies.ts), so this bounds an abort's delay.
      maxHeartbeatThrottleInterval: '1 second',
      workerDeploymentOptions: versionedDeploymentOptions(version),
    });
    // A prebuilt bundle already holds its workflow code: workflow interceptor modules cannot be added to it here.
    if ('workflowBundle' in workflows && options.interceptors) delete options.interceptors.workflowModules;
    const worker = await Worker.create(options);
    telemetry.start(connection, temporal.namespace);
    // The namespace's reconciler runs on the main queue; a worker on a queue of its own leaves the schedule alone.
    if (queue === taskQueue) {
      const schedule = await ensureReconcilerSchedule(client, reconciler);
      console.log(`reconciler schedule ${schedule}: every ${reconciler.intervalMs / 1000} s, grace period ${reconciler.gracePeriodMs / 1000} s`);
    }
    const from = 'workflowBundle' in workflows ? `prebuilt workflow bundle ${workflows.workflowBundle.codePath}` : 'workflows bundled at start';
    console.log(`remote-batch worker ${identity} (version ${versionName(version)}) polling task queue '${queue}' on ${temporal.address} (namespace ${temporal.namespace}; ${from})`);
    if (telemetry.metricsUrl) console.log(`metrics for Prometheus at ${telemetry.metricsUrl}`);
    const stopped = new AbortController();
    await Promise.all([
      worker.run().finally(() => stopped.abort()),
      makeCurrent && makeCurrentOnceItPolls(client.workflowService, version, { namespace: temporal.namespace, identity, abortSignal: stopped.signal }),
    ]);
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
