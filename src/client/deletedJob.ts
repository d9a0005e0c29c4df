import type { BatchEnvironment } from './environment';
import { JobDeletedError } from './jobState';

/**
 * After a read of a job's blobs found nothing: throws JobDeletedError when its
 * blob container is gone (`delete`/`clean` removed it), so a reader says the
 * job was deleted instead of answering empty. `what`: what could not be read.
 */
export async function throwIfDeleted(env: BatchEnvironment, jobId: string, what: string, signal?: AbortSignal): Promise<void> {
  const storage = env.azure().storage.job(jobId);
  if (!(await storage.containerExists(signal))) throw new JobDeletedError(jobId, storage.containerName, what);
}
