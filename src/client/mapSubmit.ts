import { blobCount, childCountOf, childrenOfBlob, maxArrayElements } from '../model/arrayJob';
import { mapWithConcurrency } from '../model/concurrency';
import { InvalidSettingError } from '../model/errors';
import { toStrictJson } from '../model/json';
import { type ArrayJobInput, arrayJobInputSchema, parseWorkflowInput } from '../model/workflowInputs';
import { abortable } from './abort';
import { ArrayJob } from './arrayJobObject';
import { checkDependenciesExist } from './dependencies';
import type { BatchEnvironment } from './environment';
import { carryOutSubmission, commonJobInput, type JobBodySpec, planSubmission, startJobWorkflow } from './submission';
import { checkOptionNames, type MapSubmitOptions, mapSubmitOptionNames } from './submitOptions';

function checkItems(items: unknown): unknown[] {
  if (!Array.isArray(items) || items.length === 0) {
    throw new InvalidSettingError('items', 'mapSubmit needs a non-empty array of elements to map over.');
  }
  if (items.length > maxArrayElements) {
    throw new InvalidSettingError('items', `An array job maps over at most ${maxArrayElements.toLocaleString('en')} elements; got ${items.length.toLocaleString('en')}.`);
  }
  return items;
}

const strict = { exact: true };

/** One JSON line per child: its element, or its span's elements. Refuses, naming it, the first element that is not JSON. */
function chunkLines(items: unknown[], spanSize: number, chunk: number, childCount: number): string {
  const lines: string[] = [];
  const json = (item: unknown, at: number) => {
    try {
      return toStrictJson(item, `items[${at}]`, strict);
    } catch (error) {
      throw new InvalidSettingError('items', `${(error as Error).message}; every element must be a JSON value.`);
    }
  };
  const { first, last } = childrenOfBlob(chunk, childCount);
  for (let child = first; child <= last; child++) {
    const start = (child - 1) * spanSize;
    const span = items.slice(start, start + spanSize);
    lines.push(spanSize === 1 ? json(span[0], start) : `[${span.map((item, i) => json(item, start + i)).join(',')}]`);
  }
  return lines.join('\n');
}

/**
 * The seed's RemoteBatchMapSubmit: one Azure job, one task per child
 * (10000001, …). Elements travel as blobs (one JSON-lines chunk per thousand
 * children), never as a workflow argument.
 */
/** An array's submission checked, its input made and its elements serialized, before anything is created. */
export function planArraySubmission(env: BatchEnvironment, body: JobBodySpec, items: unknown[], checked: MapSubmitOptions) {
  const elements = checkItems(items);
  const plan = planSubmission(body, checked);
  const input: ArrayJobInput = {
    ...commonJobInput(env, plan, checked),
    elementCount: elements.length,
    spanSize: checked.spanSize ?? 1,
    ...(checked.turnsPerRun !== undefined ? { turnsPerRun: checked.turnsPerRun } : {}),
  };
  const { spanSize } = parseWorkflowInput(arrayJobInputSchema, input);
  const childCount = childCountOf(elements.length, spanSize);
  // Serialize before creating anything: a bad element is an error, not a half-made job.
  const chunks = Array.from({ length: blobCount(childCount) }, (_, chunk) => chunkLines(elements, spanSize, chunk, childCount));
  return { plan, input, chunks, childCount, spanSize };
}

export async function mapSubmit(env: BatchEnvironment, body: JobBodySpec, items: unknown[], options?: MapSubmitOptions): Promise<ArrayJob> {
  const checked = checkOptionNames(options, mapSubmitOptionNames, 'mapSubmit');
  return abortable(checked.abortSignal, async (signal) => {
    const { plan, input, chunks, childCount, spanSize } = planArraySubmission(env, body, items, checked);
    if (input.after) await checkDependenciesExist(env, input.after.jobIds, signal);
    await carryOutSubmission(env, plan, signal);
    const storage = env.azure().storage.job(plan.jobId);
    await mapWithConcurrency(chunks, 8, (lines, chunk) => storage.writeElementChunk(chunk, lines, signal));
    await startJobWorkflow(env, 'arrayJob', plan, input, { array: { childCount, spanSize }, signal });
    return new ArrayJob(env, plan.jobId);
  });
}
