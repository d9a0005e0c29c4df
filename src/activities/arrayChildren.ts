import { Context } from '@temporalio/activity';
import { packCollections } from '../azure/batchGateway';
import type { AzureGateways, ConnectionGateways } from '../azure/gateways';
import { type BatchTaskDefinition, taskDefinition } from '../azure/taskDefinition';
import {
  blobIndexOfChild,
  childElementBlob,
  childElementFileName,
  childIndexVariable,
  childrenOfBlob,
  childTaskId,
  elementFileVariable,
  inlineElementVariable,
  maxInlineElementBytes,
  spanSizeVariable,
} from '../model/arrayJob';
import { mapWithConcurrency } from '../model/concurrency';
import type { TaskInputBlob, TaskTemplate } from '../model/taskTemplate';
import { resourceFilesOf } from './jobSetup';

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

const collectionConcurrency = 4;
const uploadConcurrency = 32;

/**
 * Writes the inline element to the file a command child expects, then runs the
 * user's command line unchanged: its words arrive as "$@", so no shell
 * re-parses them (Batch itself runs command lines without a shell).
 */
export function withElementPrelude(commandLine: string): string {
  return `/bin/sh -c 'printf %s "$${inlineElementVariable}" > ${childElementFileName} && exec "$@"' remote-batch-child ${commandLine}`;
}

/**
 * Adds the tasks of children [from, to] in collections. Small elements ride
 * in the task definition; larger ones become a blob of their own first.
 * Idempotent: a task that exists was added by an earlier try.
 */
async function addArrayChildren({ batch, storage }: ConnectionGateways, input: AddArrayChildrenInput): Promise<number> {
  const job = storage.job(input.jobId);
  const outputUrl = await job.outputUrl();
  const sharedFiles = await resourceFilesOf(job, input.sharedInputs);
  const inlineTemplate = input.bodyKind === 'command' ? { ...input.template, commandLine: withElementPrelude(input.template.commandLine) } : input.template;
  const context = Context.current();

  for (let chunk = blobIndexOfChild(input.from); chunk <= blobIndexOfChild(input.to); chunk++) {
    const lines = await job.readElementChunk(chunk);
    const range = childrenOfBlob(chunk, Number.MAX_SAFE_INTEGER);
    const first = Math.max(input.from, range.first);
    const last = Math.min(input.to, range.last);
    const children = Array.from({ length: last - first + 1 }, (_, i) => first + i);
    const tasks = await mapWithConcurrency(children, uploadConcurrency, async (child): Promise<BatchTaskDefinition> => {
      const element = lines[child - range.first];
      const variables = { [childIndexVariable]: String(child), [elementFileVariable]: childElementFileName, [spanSizeVariable]: String(input.spanSize) };
      if (Buffer.byteLength(element) <= maxInlineElementBytes) {
        return taskDefinition(childTaskId(child), inlineTemplate, sharedFiles, outputUrl, { ...variables, [inlineElementVariable]: element });
      }
      await job.uploadText(childElementBlob(child), element);
      const elementFile = await resourceFilesOf(job, [{ name: childElementFileName, blob: childElementBlob(child) }]);
      return taskDefinition(childTaskId(child), input.template, [...sharedFiles, ...elementFile], outputUrl, variables);
    });
    await mapWithConcurrency(packCollections(tasks), collectionConcurrency, async (collection) => {
      await batch.addTasks(input.jobId, collection);
      context.heartbeat(collection[0].id);
    });
    context.heartbeat(last);
  }
  return input.to - input.from + 1;
}

export function arrayChildrenActivities(gateways: AzureGateways) {
  return {
    addArrayChildren: (input: AddArrayChildrenInput) => addArrayChildren(gateways.get(input.connection), input),
  };
}
