import { childOfTaskId } from '../model/arrayJob';
import { jobOutputFolder, taskOutputPath } from '../model/conventions';
import type { ArrayChildJob } from './arrayChildJob';
import type { BatchEnvironment } from './environment';
import type { JobOutputFile } from './jobObject';

/** Files a task wrote under ./JobOutput/, as uploaded to its job's container (Batch File Conventions). */
export async function listTaskOutputs(env: BatchEnvironment, jobId: string, taskId: string): Promise<JobOutputFile[]> {
  return (await env.azure().storage.job(jobId).taskOutputs(taskId)).map(({ name, size, blobName }) => ({ name, size, blobName }));
}

export async function downloadTaskOutput(env: BatchEnvironment, jobId: string, file: JobOutputFile, destination: string): Promise<void> {
  await env.azure().storage.job(jobId).download(file.blobName, destination);
}

/** An output file of an array child. */
export interface ChildOutputFile extends JobOutputFile {
  /** The child (1-based) that wrote it. */
  child: number;
}

/**
 * Every child's output files in one listing of the array's container, in
 * child order: what `outputs` of a whole array shows and downloads.
 */
export async function listArrayOutputs(env: BatchEnvironment, jobId: string): Promise<ChildOutputFile[]> {
  const marker = `/${taskOutputPath('', jobOutputFolder).slice(1)}/`;
  const files: ChildOutputFile[] = [];
  for (const { blobName, size } of await env.azure().storage.job(jobId).list(undefined, { missingContainer: 'empty' })) {
    const cut = blobName.indexOf(marker);
    const child = cut < 0 ? undefined : childOfTaskId(blobName.slice(0, cut));
    if (child !== undefined) files.push({ child, name: blobName.slice(cut + marker.length), size, blobName });
  }
  return files.sort((a, b) => a.child - b.child || a.name.localeCompare(b.name));
}

/** The outputs of one array child (the Single job's `outputs()` for children). */
export function childOutputs(child: ArrayChildJob): Promise<JobOutputFile[]> {
  return listTaskOutputs(child.array.environment, child.array.jobId, child.taskId);
}
