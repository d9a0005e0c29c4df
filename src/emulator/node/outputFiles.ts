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
  // Specs upload one after another in the order given (Batch documents none), so a task definition can put
  // last the files whose presence should vouch for the rest. A transient failure starts the whole sequence
  // again: storage that came back without the earlier files must not get the later ones alone.
  // A task's slot stays taken until every upload ended.
  for (let attempt = 1; ; attempt++) {
    failure = undefined;
    let transient = false;
    for (const file of due) {
      const container = file.destination.container;
      if (!container) continue;
      try {
        await uploadSpec(file.filePattern, container, workingDir, log);
      } catch (error) {
        const detail = (error as Error).message.split('\n')[0];
        errors.push(`${new Date().toISOString()} upload of '${file.filePattern}' failed: ${detail}`);
        failure ??= TaskFailures.fileUploadFailed(file.filePattern, detail);
        transient ||= isTransient(error);
      }
    }
    if (!failure || !transient || attempt === uploadSequenceAttempts) break;
    await new Promise((resolve) => setTimeout(resolve, uploadRetryDelayMs));
  }
  await fs.promises.appendFile(path.join(taskDir, 'fileuploadout.txt'), log.map((l) => l + '\n').join(''));
  if (errors.length) await fs.promises.appendFile(path.join(taskDir, 'fileuploaderr.txt'), errors.map((l) => l + '\n').join(''));
  return failure;
}

/** The files one spec's pattern matches, uploaded a few at a time; each upload logged. */
async function uploadSpec(
  filePattern: string,
  container: NonNullable<OutputFileSpec['destination']['container']>,
  workingDir: string,
  log: string[],
): Promise<void> {
  const client = containerClientFor(container.containerUrl);
  const headers = blobHeaders(container.uploadHeaders);
  const matches = await matchFiles(workingDir, filePattern);
  await inLanes(matches, uploadLanesPerSpec, async (match) => {
    const blobName = blobNameFor(filePattern, container.path, match.relativePath);
    await client.getBlockBlobClient(blobName).uploadFile(match.absolutePath, { blobHTTPHeaders: headers });
    log.push(`${new Date().toISOString()} uploaded ${match.absolutePath} to ${blobName}`);
  });
}

const uploadLanesPerSpec = 4;
/** A task's uploads are tried this many times in all when storage fails in passing, the whole sequence each time. */
const uploadSequenceAttempts = 3;
const uploadRetryDelayMs = 2000;

/** Storage unreachable or failing on its side (as when it restarts), not refusing the upload. */
function isTransient(error: unknown): boolean {
  const status = (error as { statusCode?: number }).statusCode;
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

// Building a client costs more than a small upload; an array's tasks share one container URL.
const recentClients = new Map<string, ContainerClient>();
const recentClientsKept = 32;

function containerClientFor(containerUrl: string): ContainerClient {
  let client = recentClients.get(containerUrl);
  if (client) recentClients.delete(containerUrl);
  // One try per upload: a retry is of the task's whole upload sequence (uploadOutputFiles).
  else client = new ContainerClient(containerUrl, undefined, { retryOptions: { maxTries: 1, tryTimeoutInMs: 60_000 } });
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
