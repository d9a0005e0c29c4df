import fs from 'node:fs';
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { blobCount, childrenOfBlob, childShardBlob, elementChunkBlob } from '../model/arrayJob';
import { type ChildShard, emptyShard } from '../model/childShard';
import { jobContainerName, jobOutputFolder, taskAttemptsBlob, taskOutputPath } from '../model/conventions';
import { RemoteBatchError } from '../model/errors';
import type { TaskAttempt } from '../model/failureKind';
import { pendingUploadMetadata } from '../model/reconciliation';
import { azureErrorFacts, isNotFound } from './errors';
import type { SasSigner } from './sas';

function rerunDefinitionBlob(taskId: string): string {
  return `state/reruns/${taskId}.json`;
}

/** How long the SAS URLs handed to a task stay valid. */
const sasLifetimeMs = 7 * 24 * 3600_000;

/** A shard and the version of it that was read. */
export interface VersionedShard {
  shard: ChildShard;
  etag?: string;
}

/** Another writer changed a shard between this one's read and write. */
class ShardConflictError extends RemoteBatchError {
  constructor(jobId: string, index: number) {
    // No HTTP status: it is not a refusal, and the activity that meets it is retried from a fresh read.
    super(`Child shard ${index} of array ${jobId} changed while it was being updated; it is read again.`, 'ShardConflict');
    this.name = 'ShardConflictError';
  }
}

/** A stored blob that should hold JSON and does not. */
export class StoredJsonError extends RemoteBatchError {
  constructor(readonly jobId: string, readonly blob: string, problem: string) {
    super(`${blob} of job ${jobId} is not valid JSON: ${problem}`, 'InvalidStoredJson');
    this.name = 'StoredJsonError';
  }
}

export interface StoredFile {
  /** The blob's name in the job's container. */
  blobName: string;
  size: number;
}

/**
 * One job's blob container (`job-<job id>`, Microsoft's Batch File
 * Conventions): its inputs, its tasks' outputs and logs, and the state the
 * workflow keeps beside them (child shards, attempts). The only code outside
 * the emulator that reads or writes a job's blobs.
 */
export class JobStorage {
  readonly containerName: string;
  private readonly container: ContainerClient;

  constructor(
    container: (name: string) => ContainerClient,
    private readonly sas: SasSigner,
    readonly jobId: string,
  ) {
    this.containerName = jobContainerName(jobId);
    this.container = container(this.containerName);
  }

  /** Creates the container; a client's upload is marked pending until its workflow starts (the reconciler deletes abandoned ones). */
  async create(pendingFor?: string, abortSignal?: AbortSignal): Promise<void> {
    const metadata = pendingFor ? { [pendingUploadMetadata.workflowId]: pendingFor, [pendingUploadMetadata.uploadedAt]: new Date().toISOString() } : undefined;
    await this.container.createIfNotExists({ ...(metadata ? { metadata } : {}), abortSignal });
  }

  /** Clears the pending mark: the workflow started. */
  async markStarted(workflowId: string, abortSignal?: AbortSignal): Promise<void> {
    await this.container.setMetadata({ [pendingUploadMetadata.workflowId]: workflowId }, { abortSignal });
  }

  async delete(abortSignal?: AbortSignal): Promise<'deleted' | 'absent'> {
    return (await this.container.deleteIfExists({ abortSignal })).succeeded ? 'deleted' : 'absent';
  }

  async uploadText(blob: string, text: string, abortSignal?: AbortSignal): Promise<void> {
    await this.container.getBlockBlobClient(blob).upload(text, Buffer.byteLength(text), { abortSignal });
  }

  async uploadFile(blob: string, file: string, abortSignal?: AbortSignal): Promise<void> {
    await this.container.getBlockBlobClient(blob).uploadFile(file, { abortSignal });
  }

  /**
   * Copies every blob of `source` here (creating this container): a scheduled
   * run's inputs from its schedule's. False when the source container is gone.
   */
  async copyAllFrom(source: JobStorage): Promise<boolean> {
    if (!(await source.containerExists())) return false;
    await this.create();
    for (const { blobName } of await source.list()) {
      const bytes = await source.read(blobName);
      if (bytes !== undefined) await this.container.getBlockBlobClient(blobName).upload(bytes, bytes.length);
    }
    return true;
  }

  /** Whether the job's container is there at all (`delete` and `clean` remove it). */
  async containerExists(abortSignal?: AbortSignal): Promise<boolean> {
    return this.container.exists({ abortSignal });
  }

  async exists(blob: string): Promise<boolean> {
    return this.container.getBlobClient(blob).exists();
  }

  /** The blob's bytes; undefined when there is no such blob (or container). */
  async read(blob: string, abortSignal?: AbortSignal): Promise<Buffer | undefined> {
    try {
      return await this.container.getBlobClient(blob).downloadToBuffer(0, undefined, { abortSignal });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async readText(blob: string, abortSignal?: AbortSignal): Promise<string | undefined> {
    return (await this.read(blob, abortSignal))?.toString('utf8');
  }

  /** The blob's JSON; undefined when there is no such blob; a StoredJsonError naming the blob when it is not JSON. */
  async readJson(blob: string, abortSignal?: AbortSignal): Promise<unknown> {
    const text = await this.readText(blob, abortSignal);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new StoredJsonError(this.jobId, blob, (error as Error).message);
    }
  }

  /**
   * Blob names (and sizes) under a prefix, every page. A container that does
   * not exist lists nothing only when `missingContainer` says so (a reader of
   * a deleted job); otherwise it is an error, never a short listing.
   */
  async list(prefix?: string, options: { missingContainer?: 'empty' | 'error'; abortSignal?: AbortSignal } = {}): Promise<StoredFile[]> {
    const files: StoredFile[] = [];
    try {
      for await (const blob of this.container.listBlobsFlat({ ...(prefix ? { prefix } : {}), abortSignal: options.abortSignal })) files.push({ blobName: blob.name, size: blob.properties.contentLength ?? 0 });
    } catch (error) {
      if (!isNotFound(error) || options.missingContainer !== 'empty') throw error;
    }
    return files;
  }

  async download(blob: string, destination: string, abortSignal?: AbortSignal): Promise<void> {
    await fs.promises.mkdir(path.dirname(path.resolve(destination)), { recursive: true });
    await this.container.getBlobClient(blob).downloadToFile(destination, undefined, undefined, { abortSignal });
  }

  /** Files a task wrote under ./JobOutput/, named as it wrote them. */
  async taskOutputs(taskId: string, abortSignal?: AbortSignal): Promise<(StoredFile & { name: string })[]> {
    const prefix = `${taskOutputPath(taskId, jobOutputFolder)}/`;
    return (await this.list(prefix, { missingContainer: 'empty', abortSignal })).map((file) => ({ ...file, name: file.blobName.slice(prefix.length) }));
  }

  /** A read-only SAS URL of one blob, for a task's resource file. */
  inputUrl(blob: string): Promise<string> {
    return this.sas.blobReadUrl(this.containerName, blob, sasLifetimeMs);
  }

  /** A write-only SAS URL of the container, for a task's output files. */
  outputUrl(): Promise<string> {
    return this.sas.containerWriteUrl(this.containerName, sasLifetimeMs);
  }

  /** A single job's rerun attempts (JobAttempts); none when nothing was rerun. */
  async readAttempts(taskId: string): Promise<TaskAttempt[]> {
    return ((await this.readJson(taskAttemptsBlob(taskId))) as TaskAttempt[] | undefined) ?? [];
  }

  async writeAttempts(taskId: string, attempts: TaskAttempt[]): Promise<void> {
    await this.uploadText(taskAttemptsBlob(taskId), JSON.stringify(attempts));
  }

  /** A task definition kept while the task is deleted and added again (a rerun of a success). */
  async keepRerunDefinition(taskId: string, definition: unknown): Promise<void> {
    await this.uploadText(rerunDefinitionBlob(taskId), JSON.stringify(definition));
  }

  async rerunDefinition(taskId: string): Promise<unknown> {
    return this.readJson(rerunDefinitionBlob(taskId));
  }

  async dropRerunDefinition(taskId: string): Promise<void> {
    await this.container.getBlobClient(rerunDefinitionBlob(taskId)).deleteIfExists();
  }

  /** The JSON lines of element chunk k (one per child). */
  async readElementChunk(index: number): Promise<string[]> {
    const text = await this.readText(elementChunkBlob(index));
    if (text === undefined) {
      throw new RemoteBatchError(`The elements of array ${this.jobId} are missing from storage: ${this.containerName}/${elementChunkBlob(index)} does not exist.`, 'ElementsNotFound', 404);
    }
    return text.split('\n');
  }

  async writeElementChunk(index: number, lines: string, abortSignal?: AbortSignal): Promise<void> {
    await this.uploadText(elementChunkBlob(index), lines, abortSignal);
  }

  /**
   * Shard k of an array's child states, and the version read (its ETag; none
   * before it was first written, when every child is Active).
   */
  async readShard(index: number, childCount: number, abortSignal?: AbortSignal): Promise<VersionedShard> {
    try {
      const blob = this.container.getBlobClient(childShardBlob(index));
      const response = await blob.download(0, undefined, { abortSignal });
      const chunks: Buffer[] = [];
      for await (const chunk of response.readableStreamBody ?? []) chunks.push(Buffer.from(chunk as Buffer));
      return { shard: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChildShard, etag: response.etag };
    } catch (error) {
      if (!isNotFound(error)) throw error;
      const { first, last } = childrenOfBlob(index, childCount);
      return { shard: emptyShard(first, last - first + 1) };
    }
  }

  /**
   * Writes shard k over the version that was read, and only over it: two
   * writers of one shard (the progress poll, a child's abort) never lose each
   * other's changes. A ShardConflictError means another wrote first: read again.
   */
  async writeShard(index: number, { shard, etag }: VersionedShard): Promise<void> {
    const text = JSON.stringify(shard);
    const conditions = etag ? { ifMatch: etag } : { ifNoneMatch: '*' };
    try {
      await this.container.getBlockBlobClient(childShardBlob(index)).upload(text, Buffer.byteLength(text), { conditions });
    } catch (error) {
      const { statusCode } = azureErrorFacts(error);
      if (statusCode === 412 || statusCode === 409) throw new ShardConflictError(this.jobId, index);
      throw error;
    }
  }

  /** Whether shard k was ever written (a closed array's reader tells "never ran" from "lost"). */
  async shardExists(index: number): Promise<boolean> {
    return this.exists(childShardBlob(index));
  }

  static shardCount(childCount: number): number {
    return blobCount(childCount);
  }
}
