import { childOfTaskId } from '../model/arrayJob';
import { jobOutputFolder, taskOutputPath } from '../model/conventions';
import { throwIfDeleted } from './deletedJob';
import { DownloadDestinationError, fileSystemReason, isFileSystemError } from './downloadDestination';
import type { BatchEnvironment } from './environment';

/** A file a task wrote under ./JobOutput/. */
export interface JobOutputFile {
  /** Path under ./JobOutput/ as the job wrote it. */
  name: string;
  size: number;
  blobName: string;
}

/** Files a task wrote under ./JobOutput/, as uploaded to its job's container (Batch File Conventions). */
export async function listTaskOutputs(env: BatchEnvironment, jobId: string, taskId: string, signal?: AbortSignal): Promise<JobOutputFile[]> {
  const files = await env.azure().storage.job(jobId).taskOutputs(taskId, signal);
  if (files.length === 0) await throwIfDeleted(env, jobId, 'output files', signal);
  return files.map(({ name, size, blobName }) => ({ name, size, blobName }));
}

/** Saves one output file at `destination` (a file path; its folder is created); a path it cannot be saved at is a DownloadDestinationError. */
export async function downloadTaskOutput(env: BatchEnvironment, jobId: string, file: JobOutputFile, destination: string, signal?: AbortSignal): Promise<void> {
  try {
    await env.azure().storage.job(jobId).download(file.blobName, destination, signal);
  } catch (error) {
    if (isFileSystemError(error)) throw new DownloadDestinationError(file.name, destination, fileSystemReason(error));
    throw error;
  }
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
export async function listArrayOutputs(env: BatchEnvironment, jobId: string, signal?: AbortSignal): Promise<ChildOutputFile[]> {
  const marker = `/${taskOutputPath('', jobOutputFolder).slice(1)}/`;
  const files: ChildOutputFile[] = [];
  const blobs = await env.azure().storage.job(jobId).list(undefined, { missingContainer: 'empty', abortSignal: signal });
  // An array's container holds at least its elements: empty, it is gone.
  if (blobs.length === 0) await throwIfDeleted(env, jobId, 'output files', signal);
  for (const { blobName, size } of blobs) {
    const cut = blobName.indexOf(marker);
    const child = cut < 0 ? undefined : childOfTaskId(blobName.slice(0, cut));
    if (child !== undefined) files.push({ child, name: blobName.slice(cut + marker.length), size, blobName });
  }
  return files.sort((a, b) => a.child - b.child || a.name.localeCompare(b.name));
}
