import fs from 'node:fs';
import path from 'node:path';
import { childOfTaskId } from '../model/arrayJob';
import { jobContainerName, jobOutputFolder, taskOutputPath } from '../model/conventions';
import type { ArrayChildJob } from './arrayChildJob';
import type { BatchEnvironment } from './environment';
import type { JobOutputFile } from './jobObject';

/** Files a task wrote under ./JobOutput/, as uploaded to its job's container (Batch File Conventions). */
export async function listTaskOutputs(env: BatchEnvironment, jobId: string, taskId: string): Promise<JobOutputFile[]> {
  const container = env.azure().blobs.getContainerClient(jobContainerName(jobId));
  const prefix = `${taskOutputPath(taskId, jobOutputFolder)}/`;
  const files: JobOutputFile[] = [];
  try {
    for await (const blob of container.listBlobsFlat({ prefix })) {
      files.push({ name: blob.name.slice(prefix.length), size: blob.properties.contentLength ?? 0, blobName: blob.name });
    }
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  return files;
}

export async function downloadTaskOutput(env: BatchEnvironment, jobId: string, file: JobOutputFile, destination: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(path.resolve(destination)), { recursive: true });
  await env.azure().blobs.getContainerClient(jobContainerName(jobId)).getBlobClient(file.blobName).downloadToFile(destination);
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
  const container = env.azure().blobs.getContainerClient(jobContainerName(jobId));
  const marker = `/${taskOutputPath('', jobOutputFolder).slice(1)}/`;
  const files: ChildOutputFile[] = [];
  try {
    for await (const blob of container.listBlobsFlat()) {
      const cut = blob.name.indexOf(marker);
      if (cut < 0) continue;
      const child = childOfTaskId(blob.name.slice(0, cut));
      if (child === undefined) continue;
      files.push({ child, name: blob.name.slice(cut + marker.length), size: blob.properties.contentLength ?? 0, blobName: blob.name });
    }
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  return files.sort((a, b) => a.child - b.child || a.name.localeCompare(b.name));
}

/** The outputs of one array child (the Single job's `outputs()` for children). */
export function childOutputs(child: ArrayChildJob): Promise<JobOutputFile[]> {
  return listTaskOutputs(child.array.environment, child.array.jobId, child.taskId);
}
