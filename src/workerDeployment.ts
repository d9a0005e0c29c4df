/**
 * The Worker Deployment's routing, through Temporal's workflow service: which
 * version new workflows (and auto-upgrading ones) go to. What
 * `temporal worker deployment set-current-version` does, for the tools that
 * start workers themselves (the local stack, a worker with REMOTE_BATCH_MAKE_CURRENT).
 */
import { type Connection, isGrpcServiceError } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import { versionName } from './workerVersion';

type WorkflowService = Connection['workflowService'];

export type CurrentVersionOutcome =
  /** This call made it current. */
  | 'made current'
  | 'already current'
  /** `ifNeverActivated` and the version was current (or ramping) before: someone has moved on from it. */
  | 'left as is: current before';

export interface SetCurrentVersionOptions {
  namespace: string;
  /** Only a version that was never current: a restarted worker of an old version must not take the traffic back. */
  ifNeverActivated?: boolean;
  /** How long to wait for a worker of the version to poll (the version exists in Temporal from its first poll). */
  timeoutMs?: number;
  identity?: string;
  abortSignal?: AbortSignal;
}

class WorkerVersionNotPollingError extends Error {
  constructor(version: WorkerDeploymentVersion, timeoutMs: number, lastError?: string) {
    super(
      `Worker version ${versionName(version)} could not be made current within ${timeoutMs / 1000} s: ` +
        (lastError ? `Temporal answered: ${lastError}` : 'no worker of that version has polled Temporal yet.'),
    );
    this.name = 'WorkerVersionNotPollingError';
  }
}

const pause = (ms: number, abortSignal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    abortSignal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

/** gRPC status codes (grpc/grpc doc/statuscodes.md). */
const grpcNotFound = 5;
const grpcInvalidArgument = 3;
const grpcCode = (error: unknown) => (isGrpcServiceError(error) ? error.code : undefined);

/** The deployment's description, or undefined while no worker of it has polled. */
async function describeDeployment(service: WorkflowService, namespace: string, deploymentName: string) {
  try {
    return await service.describeWorkerDeployment({ namespace, deploymentName });
  } catch (error) {
    if (grpcCode(error) === grpcNotFound) return undefined;
    throw error;
  }
}

/**
 * Makes `version` the current version of its deployment once a worker of it
 * polls, with the conflict token of the description it decided on; a
 * concurrent change (another worker doing the same) is read again and retried.
 */
export async function setCurrentWorkerVersion(
  service: WorkflowService,
  version: WorkerDeploymentVersion,
  options: SetCurrentVersionOptions,
): Promise<CurrentVersionOutcome> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: string | undefined;
  for (;;) {
    if (options.abortSignal?.aborted) throw options.abortSignal.reason;
    try {
      const described = await describeDeployment(service, options.namespace, version.deploymentName);
      const info = described?.workerDeploymentInfo;
      const summary = info?.versionSummaries?.find((candidate) => candidate.deploymentVersion?.buildId === version.buildId);
      if (described && summary) {
        if (info?.routingConfig?.currentDeploymentVersion?.buildId === version.buildId) return 'already current';
        if (options.ifNeverActivated && summary.firstActivationTime) return 'left as is: current before';
        await service.setWorkerDeploymentCurrentVersion({
          namespace: options.namespace,
          deploymentName: version.deploymentName,
          buildId: version.buildId,
          conflictToken: described.conflictToken,
          identity: options.identity,
        });
        return 'made current';
      }
    } catch (error) {
      // A name Temporal refuses will not improve by waiting.
      if (grpcCode(error) === grpcInvalidArgument) throw error;
      lastError = (error as Error).message;
    }
    if (Date.now() >= deadline) throw new WorkerVersionNotPollingError(version, timeoutMs, lastError);
    await pause(250, options.abortSignal);
  }
}

/**
 * REMOTE_BATCH_MAKE_CURRENT, for a deployment that runs one version at a time:
 * the worker makes its own version current once it polls. A version that was
 * current before is left alone, so an old worker restarting never takes the
 * traffic back from its successor. Failing says so in the log and leaves the
 * worker running: the command it prints does the same by hand.
 */
export async function makeCurrentOnceItPolls(
  service: WorkflowService,
  version: WorkerDeploymentVersion,
  options: Omit<SetCurrentVersionOptions, 'ifNeverActivated'>,
): Promise<void> {
  try {
    const outcome = await setCurrentWorkerVersion(service, version, { ...options, ifNeverActivated: true });
    console.log(`worker deployment ${version.deploymentName}: ${versionName(version)} ${outcome}`);
  } catch (error) {
    if (options.abortSignal?.aborted) return;
    console.error(
      `${(error as Error).message}\nNew workflows reach this worker only once its version is current: ` +
        `temporal worker deployment set-current-version --deployment-name ${version.deploymentName} --build-id ${version.buildId}`,
    );
  }
}
