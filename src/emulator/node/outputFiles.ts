import fs from 'node:fs';
import path from 'node:path';
import { ContainerClient, type BlobHTTPHeaders } from '@azure/storage-blob';
import type { FailureInfo } from '../model/types';
import { TaskFailures } from './failures';
import { hasWildcard, matchFiles } from './glob';

export interface OutputFileSpec {
  filePattern: string;
  destination: { container?: { path?: string; containerUrl: string; uploadHeaders?: Array<{ name: string; value?: string }> } };
  uploadOptions: { uploadCondition: 'tasksuccess' | 'taskfailure' | 'taskcompletion' };
}

/** Whether an output file is due, given how the task's process ended. */
export function isDue(file: OutputFileSpec, succeeded: boolean): boolean {
  const condition = file.uploadOptions.uploadCondition;
  return condition === 'taskcompletion' || (condition === 'tasksuccess') === succeeded;
}

/**
 * Blob name under Batch's rules: a pattern without wildcards names one file and
 * `path` is its blob name; a pattern with wildcards makes `path` a virtual
 * directory, and each file keeps its path below the pattern's fixed prefix.
 * Without `path`, blobs go to the container root.
 */
export function blobNameFor(pattern: string, destinationPath: string | undefined, relativePath: string): string {
  if (!hasWildcard(pattern)) return destinationPath || relativePath;
  const prefix = (destinationPath ?? '').replace(/\/+$/, '');
  return prefix ? `${prefix}/${relativePath}` : relativePath;
}

/**
 * Uploads the due output files and logs each upload to `fileuploadout.txt` /
 * `fileuploaderr.txt` in the task directory, as the Batch node agent does.
 * Returns the failure to report on the task, if any upload failed.
 */
export async function uploadOutputFiles(files: OutputFileSpec[], succeeded: boolean, workingDir: string, taskDir: string): Promise<FailureInfo | undefined> {
  const due = files.filter((file) => isDue(file, succeeded));
  if (due.length === 0) return undefined;
  const log: string[] = [];
  const errors: string[] = [];
  let failure: FailureInfo | undefined;
  // Specs upload side by side, as the node agent does: a task's slot stays taken until every upload ended.
  await Promise.all(
    due.map(async (file) => {
      const container = file.destination.container;
      if (!container) return;
      try {
        const client = containerClientFor(container.containerUrl);
        const headers = blobHeaders(container.uploadHeaders);
        const matches = await matchFiles(workingDir, file.filePattern);
        await inLanes(matches, uploadLanesPerSpec, async (match) => {
          const blobName = blobNameFor(file.filePattern, container.path, match.relativePath);
          await client.getBlockBlobClient(blobName).uploadFile(match.absolutePath, { blobHTTPHeaders: headers });
          log.push(`${new Date().toISOString()} uploaded ${match.absolutePath} to ${blobName}`);
        });
      } catch (error) {
        const detail = (error as Error).message.split('\n')[0];
        errors.push(`${new Date().toISOString()} upload of '${file.filePattern}' failed: ${detail}`);
        failure ??= TaskFailures.fileUploadFailed(file.filePattern, detail);
      }
    }),
  );
  await fs.promises.appendFile(path.join(taskDir, 'fileuploadout.txt'), log.map((l) => l + '\n').join(''));
  if (errors.length) await fs.promises.appendFile(path.join(taskDir, 'fileuploaderr.txt'), errors.map((l) => l + '\n').join(''));
  return failure;
}

const uploadLanesPerSpec = 4;

// Building a client costs more than a small upload; an array's tasks share one container URL.
const recentClients = new Map<string, ContainerClient>();
const recentClientsKept = 32;

function containerClientFor(containerUrl: string): ContainerClient {
  let client = recentClients.get(containerUrl);
  if (client) recentClients.delete(containerUrl);
  else client = new ContainerClient(containerUrl, undefined, { retryOptions: { maxTries: 2, tryTimeoutInMs: 60_000 } });
  recentClients.set(containerUrl, client);
  if (recentClients.size > recentClientsKept) recentClients.delete(recentClients.keys().next().value!);
  return client;
}

/** Runs `work` over `items`, at most `lanes` at a time; rejects with the first failure. */
async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
}

function blobHeaders(headers: Array<{ name: string; value?: string }> | undefined): BlobHTTPHeaders {
  const result: BlobHTTPHeaders = {};
  for (const { name, value } of headers ?? []) {
    switch (name.toLowerCase()) {
      case 'content-type':
        result.blobContentType = value;
        break;
      case 'content-encoding':
        result.blobContentEncoding = value;
        break;
      case 'content-language':
        result.blobContentLanguage = value;
        break;
      case 'content-disposition':
        result.blobContentDisposition = value;
        break;
      case 'cache-control':
        result.blobCacheControl = value;
        break;
    }
  }
  return result;
}
