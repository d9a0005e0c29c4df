import { Connection } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import { setCurrentWorkerVersion } from '../workerDeployment';
import { versionName } from '../workerVersion';

/**
 * The stack's workers get every new workflow: their version becomes the
 * deployment's current one as soon as they poll (the stack runs the code it
 * was started with, even if another version was current in its saved state).
 */
export async function makeStackVersionCurrent(
  address: string,
  namespace: string,
  version: WorkerDeploymentVersion,
  log: (line: string) => void,
): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const outcome = await setCurrentWorkerVersion(connection.workflowService, version, { namespace, identity: 'remote-batch stack' });
    log(`worker deployment ${version.deploymentName}: ${versionName(version)} ${outcome}`);
  } finally {
    await connection.close();
  }
}
