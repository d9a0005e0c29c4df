import fs from 'node:fs';
import path from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import type { FailureInfo } from '../model/types';
import { TaskFailures } from './failures';
import { resolveInside } from './layout';

export interface ResourceFileSpec {
  httpUrl?: string;
  storageContainerUrl?: string;
  autoStorageContainerName?: string;
  blobPrefix?: string;
  filePath?: string;
  fileMode?: string;
}

/** Downloads the task's resource files into its working directory; the first failure is returned as Batch reports it. */
export async function downloadResourceFiles(files: ResourceFileSpec[], workingDir: string, signal: AbortSignal): Promise<FailureInfo | undefined> {
  for (const file of files) {
    const failure = file.httpUrl
      ? await downloadHttpFile(file, file.httpUrl, workingDir, signal)
      : file.storageContainerUrl
        ? await downloadContainer(file, file.storageContainerUrl, workingDir, signal)
        : TaskFailures.blobDownloadMiscError(
            file.autoStorageContainerName ?? '',
            'autoStorageContainerName needs a storage account linked to the Batch account; the emulator has none. Use storageContainerUrl with a SAS instead.',
          );
    if (failure) return failure;
  }
  return undefined;
}

async function downloadHttpFile(file: ResourceFileSpec, url: string, workingDir: string, signal: AbortSignal): Promise<FailureInfo | undefined> {
  const target = resolveInside(workingDir, file.filePath ?? path.posix.basename(new URL(url).pathname));
  if (!target) return TaskFailures.resourceFileWriteFailed(file.filePath ?? '', 'The file path is outside the task working directory.');
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    return TaskFailures.blobDownloadMiscError(url, (error as Error).message);
  }
  if (!response.ok) {
    const detail = `The server answered ${response.status} ${response.statusText}.`;
    if (response.status === 404) return TaskFailures.blobNotFound(url, detail);
    if (response.status === 401 || response.status === 403) return TaskFailures.blobAccessDenied(url, detail);
    return TaskFailures.blobDownloadMiscError(url, detail);
  }
  try {
    const bytes = Buffer.from(await response.arrayBuffer());
    await writeResource(target, bytes, file.fileMode);
  } catch (error) {
    return TaskFailures.resourceFileWriteFailed(target, (error as Error).message);
  }
  return undefined;
}

async function downloadContainer(file: ResourceFileSpec, url: string, workingDir: string, signal: AbortSignal): Promise<FailureInfo | undefined> {
  const directory = resolveInside(workingDir, file.filePath ?? '.') ?? (file.filePath ? undefined : workingDir);
  if (!directory) return TaskFailures.resourceFileWriteFailed(file.filePath ?? '', 'The file path is outside the task working directory.');
  let container: ContainerClient;
  try {
    container = new ContainerClient(url, undefined, { retryOptions: { maxTries: 2 } });
  } catch (error) {
    return TaskFailures.blobDownloadMiscError(url, (error as Error).message);
  }
  try {
    for await (const blob of container.listBlobsFlat({ prefix: file.blobPrefix, abortSignal: signal })) {
      const target = resolveInside(directory, blob.name);
      if (!target) return TaskFailures.resourceFileWriteFailed(blob.name, 'The blob name leads outside the task working directory.');
      const bytes = await container.getBlobClient(blob.name).downloadToBuffer(0, undefined, { abortSignal: signal });
      await writeResource(target, bytes, file.fileMode);
    }
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    const detail = (error as Error).message.split('\n')[0];
    if (status === 404) return TaskFailures.blobNotFound(url, detail);
    if (status === 401 || status === 403) return TaskFailures.blobAccessDenied(url, detail);
    return TaskFailures.blobDownloadMiscError(url, detail);
  }
  return undefined;
}

async function writeResource(target: string, bytes: Buffer, fileMode: string | undefined): Promise<void> {
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  await fs.promises.writeFile(target, bytes);
  // Batch's Linux default for resource files is 0770.
  await fs.promises.chmod(target, parseInt(fileMode ?? '0770', 8));
}
