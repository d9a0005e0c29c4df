import {
  type ArrayJobInput,
  childCountOf,
  blobCount,
  childrenOfBlob,
  elementChunkBlob,
  initialArrayJobState,
  maxArrayChildren,
  maxArrayElements,
} from '../model/arrayJob';
import { jobContainerName } from '../model/conventions';
import { InvalidSettingError } from '../model/errors';
import { toStrictJson } from '../model/json';
import { ArrayJob } from './arrayJobObject';
import type { BatchEnvironment } from './environment';
import { checkRetryWindow, type JobBodySpec, prepareSubmission, startJobWorkflow, type SubmitSettings } from './submission';
import { mapWithConcurrency } from '../activities/concurrency';

export interface MapSubmitSettings extends SubmitSettings {
  /** Elements per child (default 1): pack very cheap elements so each task does more. */
  spanSize?: number;
  /** Seconds a Completed array with failed children stays open for retryFailed (default one day). */
  retryWindowSeconds?: number;
  /** Workflow loop turns per run before continue-as-new; a tuning knob (default 150). */
  turnsPerRun?: number;
}

const ownSettings = ['spanSize', 'retryWindowSeconds', 'turnsPerRun'] as const;

function checkItems(items: unknown): unknown[] {
  if (!Array.isArray(items) || items.length === 0) {
    throw new InvalidSettingError('items', 'mapSubmit needs a non-empty array of elements to map over.');
  }
  if (items.length > maxArrayElements) {
    throw new InvalidSettingError('items', `An array job maps over at most ${maxArrayElements.toLocaleString('en')} elements; got ${items.length.toLocaleString('en')}.`);
  }
  return items;
}

function checkSpanSize(spanSize: unknown, elementCount: number): number {
  if (spanSize === undefined) spanSize = 1;
  if (typeof spanSize !== 'number' || !Number.isInteger(spanSize) || spanSize < 1) {
    throw new InvalidSettingError('spanSize', `spanSize must be a whole number of elements per child, at least 1; got ${JSON.stringify(spanSize)}.`);
  }
  const children = childCountOf(elementCount, spanSize);
  if (children > maxArrayChildren) {
    throw new InvalidSettingError(
      'spanSize',
      `${elementCount.toLocaleString('en')} elements in spans of ${spanSize} make ${children.toLocaleString('en')} children; ` +
        `an array job has at most ${maxArrayChildren.toLocaleString('en')}. Use spanSize ${Math.ceil(elementCount / maxArrayChildren)} or more.`,
    );
  }
  return spanSize;
}

/** One JSON line per child: its element, or its span's elements. Throws naming the first element that is not JSON. */
function chunkLines(items: unknown[], spanSize: number, chunk: number, childCount: number): string {
  const lines: string[] = [];
  const { first, last } = childrenOfBlob(chunk, childCount);
  for (let child = first; child <= last; child++) {
    const start = (child - 1) * spanSize;
    const span = items.slice(start, start + spanSize);
    lines.push(spanSize === 1 ? toStrictJson(span[0], `items[${start}]`) : `[${span.map((item, i) => toStrictJson(item, `items[${start + i}]`)).join(',')}]`);
  }
  return lines.join('\n');
}

/**
 * The seed's RemoteBatchMapSubmit: one Azure job, one task per child
 * (10000001, …). Elements travel as blobs (one JSON-lines chunk per thousand
 * children), never as a workflow argument.
 */
export async function mapSubmit(env: BatchEnvironment, body: JobBodySpec, items: unknown[], settings: MapSubmitSettings = {}): Promise<ArrayJob> {
  const elements = checkItems(items);
  const spanSize = checkSpanSize(settings.spanSize, elements.length);
  const childCount = childCountOf(elements.length, spanSize);
  const retryWindowSeconds = checkRetryWindow(settings.retryWindowSeconds);
  if (settings.turnsPerRun !== undefined && !(Number.isInteger(settings.turnsPerRun) && settings.turnsPerRun >= 1)) {
    throw new InvalidSettingError('turnsPerRun', 'turnsPerRun must be a whole number, at least 1.');
  }
  const chunkCount = blobCount(childCount);
  // Serialize before creating anything: a bad element is an error, not a half-made job.
  const chunks = Array.from({ length: chunkCount }, (_, chunk) => chunkLines(elements, spanSize, chunk, childCount));

  const prepared = await prepareSubmission(env, body, settings, ownSettings);
  const container = env.azure().blobs.getContainerClient(jobContainerName(prepared.jobId));
  await mapWithConcurrency(chunks, 8, (lines, chunk) => container.getBlockBlobClient(elementChunkBlob(chunk)).upload(lines, Buffer.byteLength(lines)));

  const input: ArrayJobInput = {
    jobId: prepared.jobId,
    environment: env.ref,
    body: prepared.body,
    settings: prepared.settings,
    inputs: prepared.inputs,
    elementCount: elements.length,
    spanSize,
    submittedAt: new Date().toISOString(),
    ...(retryWindowSeconds !== undefined ? { retryWindowSeconds } : {}),
    ...(settings.turnsPerRun !== undefined ? { turnsPerRun: settings.turnsPerRun } : {}),
  };
  const initialState = initialArrayJobState(input, prepared.jobId, prepared.settings);
  await startJobWorkflow(env, 'arrayJob', prepared, input, initialState, `Array job ${prepared.jobId}: ${childCount} children on pool ${env.poolId}`);
  return new ArrayJob(env, prepared.jobId);
}
