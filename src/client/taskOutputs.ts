import fs from 'node:fs';
import path from 'node:path';
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

/** The outputs of one array child (the Single job's `outputs()` for children). */
export function childOutputs(child: ArrayChildJob): Promise<JobOutputFile[]> {
  return listTaskOutputs(child.array.environment, child.array.jobId, child.taskId);
}
