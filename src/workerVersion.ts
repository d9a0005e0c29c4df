import type { WorkerDeploymentVersion } from '@temporalio/common';
import type { WorkerDeploymentOptions } from '@temporalio/worker';
import { workerBuildId } from './workerBuildId';

export const deploymentNameVariable = 'REMOTE_BATCH_DEPLOYMENT_NAME';
export const buildIdVariable = 'REMOTE_BATCH_BUILD_ID';
export const makeCurrentVariable = 'REMOTE_BATCH_MAKE_CURRENT';

/** The Worker Deployment every remote-batch worker belongs to unless REMOTE_BATCH_DEPLOYMENT_NAME names another. */
export const defaultDeploymentName = 'remote-batch';

/**
 * Temporal builds an internal workflow id from both names, within the stack's id limit
 * (`limit.maxIDLength` 255 less a 39-character prefix, halved).
 */
const maxNameLength = 108;

export interface WorkerVersionSettings {
  version: WorkerDeploymentVersion;
  /** Whether the worker makes its version the deployment's current one once it polls (REMOTE_BATCH_MAKE_CURRENT). */
  makeCurrent: boolean;
}

function checkedName(variable: string, value: string, forbidden: readonly string[]): string {
  if (value.length > maxNameLength) throw new RangeError(`${variable} must be at most ${maxNameLength} characters; got ${value.length}.`);
  if (value.startsWith('__')) throw new RangeError(`${variable} must not start with '__' (Temporal reserves it); got '${value}'.`);
  const found = forbidden.find((character) => value.includes(character));
  if (found) throw new RangeError(`${variable} must not contain '${found}' (Temporal separates names with it); got '${value}'.`);
  return value;
}

function checkedFlag(variable: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new RangeError(`${variable} must be 'true' or 'false'; got '${value}'.`);
}

/**
 * The Worker Deployment version this worker runs: the deployment
 * (REMOTE_BATCH_DEPLOYMENT_NAME, default `remote-batch`) and the build id
 * (REMOTE_BATCH_BUILD_ID, default the hash of the workflow code, workerBuildId).
 */
export function workerVersionFromEnvironment(env: NodeJS.ProcessEnv = process.env): WorkerVersionSettings {
  const deploymentName = checkedName(deploymentNameVariable, env[deploymentNameVariable] || defaultDeploymentName, ['.', ':']);
  const buildId = checkedName(buildIdVariable, env[buildIdVariable] || workerBuildId(), []);
  return { version: { deploymentName, buildId }, makeCurrent: checkedFlag(makeCurrentVariable, env[makeCurrentVariable]) };
}

/**
 * Versioned polling: Temporal routes each workflow to workers of the version it
 * belongs to. Every workflow type declares how it meets a new version
 * (src/workflows/versioning.ts); the default covers none of ours.
 */
export function versionedDeploymentOptions(version: WorkerDeploymentVersion): WorkerDeploymentOptions {
  return { version, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' };
}

/** `remote-batch:remote-batch@0.2.0+…`, as the Temporal CLI and UI write a version. */
export function versionName(version: WorkerDeploymentVersion): string {
  return `${version.deploymentName}:${version.buildId}`;
}
