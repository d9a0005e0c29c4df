import type { BatchServiceModels } from '@azure/batch';
import { Context } from '@temporalio/activity';
import type { ConnectionClients } from '../azure/connectionClients';
import {
  blobIndexOfChild,
  childElementBlob,
  childElementFileName,
  childIndexVariable,
  childrenOfBlob,
  childTaskId,
  elementChunkBlob,
  elementFileVariable,
  inlineElementVariable,
  maxInlineElementBytes,
  spanSizeVariable,
} from '../model/arrayJob';
import { jobContainerName } from '../model/conventions';
import { taskExists } from './batch';
import { batchErrorCode, batchStatusCode, invalidInput } from './batchErrors';
import { mapWithConcurrency } from './concurrency';
import { sasLifetimeMs, signInputs, type TaskInputBlob, type TaskTemplate, taskDefinition } from './taskDefinition';
import { retryAfterMs } from '../azure/transientRetryPolicy';

export interface AddArrayChildrenInput {
  connection: string;
  jobId: string;
  /** First and last child (1-based, inclusive) to add. */
  from: number;
  to: number;
  spanSize: number;
  template: TaskTemplate;
  sharedInputs: TaskInputBlob[];
  /** Command children get their element as a file: a small shell prelude writes an inline one. */
  bodyKind: 'script' | 'command';
}

/** Batch's limits for one add-collection call. */
const maxTasksPerCollection = 100;
const maxCollectionBytes = 1_000_000;
const collectionConcurrency = 4;
const uploadConcurrency = 32;

/** Splits tasks into collections within Batch's count and size limits. */
export function packCollections(tasks: BatchServiceModels.TaskAddParameter[]): BatchServiceModels.TaskAddParameter[][] {
  const collections: BatchServiceModels.TaskAddParameter[][] = [];
  let current: BatchServiceModels.TaskAddParameter[] = [];
  let bytes = 0;
  for (const task of tasks) {
    const size = Buffer.byteLength(JSON.stringify(task)) + 1;
    if (current.length > 0 && (current.length === maxTasksPerCollection || bytes + size > maxCollectionBytes - 1024)) {
      collections.push(current);
      current = [];
      bytes = 0;
    }
    current.push(task);
    bytes += size;
  }
  if (current.length > 0) collections.push(current);
  return collections;
}

/**
 * Writes the inline element to the file a command child expects, then runs the
 * user's command line unchanged: its words arrive as "$@", so no shell
 * re-parses them (Batch itself runs command lines without a shell).
 */
export function withElementPrelude(commandLine: string): string {
  return `/bin/sh -c 'printf %s "$${inlineElementVariable}" > ${childElementFileName} && exec "$@"' remote-batch-child ${commandLine}`;
}

/** What the answer's `Retry-After` asks for, or a second. */
function retryDelayMs(error: unknown): number {
  const header = (error as { response?: { headers?: { get(name: string): string | undefined } } }).response?.headers?.get('retry-after');
  return retryAfterMs(header) || 1000;
}

export function createArrayChildrenActivities(clients: ConnectionClients) {
  /**
   * An ended job takes no tasks. A run redoing its work (a Reset in the Temporal UI)
   * finds them all there, added before the job ended; if some are missing, nothing can add them now.
   */
  async function addedBeforeTheJobEnded(connection: string, jobId: string, tasks: BatchServiceModels.TaskAddParameter[]): Promise<void> {
    const { batch } = clients.get(connection);
    const missing = (await mapWithConcurrency(tasks, 8, async (task) => ((await taskExists(batch, jobId, task.id)) ? [] : [task.id]))).flat();
    if (missing.length > 0) {
      throw invalidInput(`Azure job '${jobId}' has ended: ${missing.length} children (task ${missing[0]} and on) can no longer be added.`, 'JobCompleted');
    }
  }

  async function addCollection(connection: string, jobId: string, tasks: BatchServiceModels.TaskAddParameter[]): Promise<void> {
    const { batch } = clients.get(connection);
    let pending = tasks;
    for (let attempt = 0; pending.length > 0; attempt++) {
      let response: BatchServiceModels.TaskAddCollectionResult;
      try {
        response = await batch.task.addCollection(jobId, pending);
      } catch (error) {
        const status = batchStatusCode(error);
        if ((status === 429 || status === 503) && attempt < 20) {
          await new Promise((resolve) => setTimeout(resolve, retryDelayMs(error)));
          continue;
        }
        if (batchErrorCode(error) === 'JobCompleted') return addedBeforeTheJobEnded(connection, jobId, pending);
        if (status === 413 && pending.length > 1) {
          const half = Math.ceil(pending.length / 2);
          await addCollection(connection, jobId, pending.slice(0, half));
          await addCollection(connection, jobId, pending.slice(half));
          return;
        }
        throw error;
      }
      const retry = new Set<string>();
      for (const result of response.value ?? []) {
        if (result.status === 'success' || result.error?.code === 'TaskExists') continue;
        // Batch asks the client to resend tasks that failed for server-side reasons.
        if (result.status === 'servererror' && attempt < 20) retry.add(result.taskId);
        else throw new Error(`Batch refused task ${result.taskId}: ${result.error?.code} ${result.error?.message?.value ?? ''}`);
      }
      pending = pending.filter((task) => retry.has(task.id));
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  return {
    /**
     * Adds the tasks of children [from, to] in collections. Small elements ride
     * in the task definition; larger ones become a blob of their own first.
     * Idempotent: a task that exists was added by an earlier attempt.
     */
    async addArrayChildren(input: AddArrayChildrenInput): Promise<number> {
      const { blobs, sas } = clients.get(input.connection);
      const container = jobContainerName(input.jobId);
      const containerClient = blobs.getContainerClient(container);
      const outputUrl = await sas.containerWriteUrl(container, sasLifetimeMs);
      const sharedFiles = await signInputs(sas, container, input.sharedInputs);
      const inlineTemplate: TaskTemplate =
        input.bodyKind === 'command' ? { ...input.template, commandLine: withElementPrelude(input.template.commandLine) } : input.template;
      const context = Context.current();

      for (let chunk = blobIndexOfChild(input.from); chunk <= blobIndexOfChild(input.to); chunk++) {
        const lines = (await containerClient.getBlobClient(elementChunkBlob(chunk)).downloadToBuffer()).toString('utf8').split('\n');
        const range = childrenOfBlob(chunk, Number.MAX_SAFE_INTEGER);
        const first = Math.max(input.from, range.first);
        const last = Math.min(input.to, range.last);
        const children = Array.from({ length: last - first + 1 }, (_, i) => first + i);
        const tasks = await mapWithConcurrency(children, uploadConcurrency, async (child) => {
          const element = lines[child - range.first];
          const variables = { [childIndexVariable]: String(child), [elementFileVariable]: childElementFileName, [spanSizeVariable]: String(input.spanSize) };
          if (Buffer.byteLength(element) <= maxInlineElementBytes) {
            return taskDefinition(childTaskId(child), inlineTemplate, sharedFiles, outputUrl, { ...variables, [inlineElementVariable]: element });
          }
          await containerClient.getBlockBlobClient(childElementBlob(child)).upload(element, Buffer.byteLength(element));
          const elementFile = await signInputs(sas, container, [{ name: childElementFileName, blob: childElementBlob(child) }]);
          return taskDefinition(childTaskId(child), input.template, [...sharedFiles, ...elementFile], outputUrl, variables);
        });
        await mapWithConcurrency(packCollections(tasks), collectionConcurrency, (collection) => addCollection(input.connection, input.jobId, collection));
        context.heartbeat(last);
      }
      return input.to - input.from + 1;
    },
  };
}
