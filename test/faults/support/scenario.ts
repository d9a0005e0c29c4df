import type { BatchServiceClient } from '@azure/batch';
import { type ArrayJob, type BatchJob, mapSubmit, submit } from '../../../src/client';
import { StoredStateMissingError } from '../../../src/client/childRecords';
import { arrayResultsBlob } from '../../../src/model/arrayResults';
import { azureSdk } from '../../support/azureSdk';
import { waitFor } from '../../support/waitFor';
import type { FaultStack } from './faultStack';

/**
 * Children per array in the fault suite: 1,000, the size the faults were
 * reported at (docs/failures.md, "The fault suite"); FAULTS_ARRAY_CHILDREN sets another.
 */
export const arrayChildren = Number(process.env.FAULTS_ARRAY_CHILDREN ?? 1000);
/** Long enough for every fault here to be noticed and repaired, including Temporal and the worker starting again. */
const finishWithinMs = 420_000;

/**
 * Azurite keeps its blob index in memory and saves it every 5 s, so a SIGKILL
 * loses what it accepted in the last 5 s. Lost outputs are noticed and rerun;
 * lost *inputs* cannot be (real Azure Storage never loses an acknowledged
 * write), so faults come once the submissions' inputs are saved.
 */
const azuriteSaveIntervalMs = 5000;

export interface Submitted {
  submittedAt: number;
  single: BatchJob;
  singleAnswer: number;
  array: ArrayJob;
  elements: number[];
}

/**
 * A single job (on its own one-slot pool, so it runs while the array fills the
 * other) and an array of command children, each computing something we can check
 * exactly: the single job writes `answer`, child n writes its element squared.
 */
export async function submitBoth(stack: FaultStack, answer: number, singleSeconds = 8): Promise<Submitted> {
  const submittedAt = Date.now();
  const single = await submit(stack.soloEnvironment, { command: `/bin/sh -c "sleep ${singleSeconds} && echo ${answer} > result.json"` });
  const elements = Array.from({ length: arrayChildren }, (_, at) => at + 1 + answer);
  const array = await mapSubmit(stack.environment, {
    command: '/bin/sh -c "n=$(cat $REMOTE_BATCH_ELEMENT_FILE) && echo $((n * n)) > result.json && echo child $REMOTE_BATCH_CHILD_INDEX"',
  }, elements);
  return { submittedAt, single, singleAnswer: answer, array, elements };
}

/** Waits until the single job runs and the array has made some progress: the moment to break something. */
export async function waitUntilUnderway(submitted: Submitted): Promise<void> {
  await waitFor(() => submitted.single.get('JobStatus'), (status) => status === 'Running', { timeoutMs: 120_000, what: 'the single job to run' });
  await waitFor(
    async () => (await submitted.array.get('ChildJobCounts')) as { succeeded: number },
    (counts) => counts.succeeded >= Math.min(20, arrayChildren),
    { timeoutMs: 180_000, what: 'the array to make progress' },
  );
  await untilInputsSaved(submitted);
}

/** Until Azurite has saved what the submissions uploaded (see azuriteSaveIntervalMs). */
export async function untilInputsSaved(submitted: Submitted): Promise<void> {
  await waitFor(async () => Date.now() - submitted.submittedAt, (age) => age > azuriteSaveIntervalMs + 1000, { what: "Azurite's next save" });
}

/** Until the array has completed: its last writes (the children's final states and results) are the newest storage holds. */
export async function untilArrayCompleted(submitted: Submitted): Promise<void> {
  await waitFor(() => submitted.array.get('JobStatus'), (status) => status === 'Completed', { timeoutMs: finishWithinMs, what: `array ${submitted.array.jobId} to complete` });
}

async function retrying<T>(what: string, call: () => Promise<T>): Promise<T> {
  return waitFor(call, () => true, { timeoutMs: 60_000, tolerateErrors: true, what });
}

async function taskIds(batch: BatchServiceClient, jobId: string): Promise<string[]> {
  const ids: string[] = [];
  let page = await batch.task.list(jobId, { taskListOptions: { select: 'id', maxResults: 1000 } });
  ids.push(...page.map((task) => task.id!));
  while (page.odatanextLink) {
    page = await batch.task.listNext(page.odatanextLink);
    ids.push(...page.map((task) => task.id!));
  }
  return ids.sort();
}

async function azureJobsOwnedBy(batch: BatchServiceClient, workflowId: string): Promise<string[]> {
  const owned: string[] = [];
  let page = await batch.job.list({ jobListOptions: { select: 'id,metadata' } });
  const take = () => owned.push(...page.filter((job) => job.metadata?.some((item) => item.value === workflowId)).map((job) => job.id!));
  take();
  while (page.odatanextLink) {
    page = await batch.job.listNext(page.odatanextLink);
    take();
  }
  return owned;
}

/**
 * Both end as if nothing had happened: the expected answers value by value,
 * every child Succeeded, counts agreeing, exactly one Azure job each and
 * exactly the expected task ids. Polling tolerates services that are still
 * coming back.
 */
export async function expectExactOutcome(stack: FaultStack, submitted: Submitted): Promise<void> {
  const { single, array, elements, singleAnswer } = submitted;
  await waitFor(() => single.get('JobStatus'), (status) => status === 'Succeeded' || status === 'Failed', {
    timeoutMs: finishWithinMs,
    tolerateErrors: true,
    what: `single job ${single.jobId} to end`,
  });
  await waitFor(() => array.get('JobStatus'), (status) => status === 'Completed', {
    timeoutMs: finishWithinMs,
    tolerateErrors: true,
    what: `array ${array.jobId} to complete`,
  });

  const reason = await retrying('the reason', () => single.get('JobStatusReason'));
  expect({ status: await retrying('status', () => single.get('JobStatus')), reason }).toEqual({ status: 'Succeeded', reason: expect.any(String) });
  expect(await retrying('result', () => single.get('EvaluationResult'))).toBe(singleAnswer);
  expect(await retrying('exit code', () => single.get('JobExitCode'))).toBe(0);

  const results = (await retrying('results', () => array.get('ChildJobEvaluationResults'))) as unknown[];
  const expected = elements.map((element) => element * element);
  const wrong = expected.flatMap((value, at) => (results[at] === value ? [] : [`child ${at + 1}: ${JSON.stringify(results[at])} instead of ${value}`]));
  expect(wrong).toEqual([]);
  const statuses = (await retrying('statuses', () => array.get('ChildJobStatuses'))) as string[];
  expect(statuses.filter((status) => status !== 'Succeeded')).toEqual([]);
  expect(await retrying('exit codes', () => array.get('ChildJobExitCodes'))).toEqual(elements.map(() => 0));
  expect(await retrying('counts', () => array.get('ChildJobCounts'))).toEqual({ active: 0, running: 0, succeeded: elements.length, failed: 0 });
  expect(String(await retrying('a child log', () => array.child(elements.length).get('JobLog')))).toContain(`child ${elements.length}`);

  const { batch } = azureSdk('local');
  expect(await retrying('Azure jobs', () => azureJobsOwnedBy(batch, single.jobId))).toEqual([single.jobId]);
  expect(await retrying('Azure jobs', () => azureJobsOwnedBy(batch, array.jobId))).toEqual([array.jobId]);
  expect(await retrying('single task ids', () => taskIds(batch, single.jobId))).toEqual(['10000000']);
  const expectedIds = elements.map((_, at) => String(10000001 + at)).sort();
  expect(await retrying('array task ids', () => taskIds(batch, array.jobId))).toEqual(expectedIds);
}

/**
 * After storage lost writes it had acknowledged (Azurite killed within its
 * save interval) once the array had ended: the array's results blob is either
 * whole, and every answer exact, or gone, and readers say which blob of which
 * job is missing. Never a wrong or empty answer.
 */
export async function expectExactOrNamedLoss(stack: FaultStack, submitted: Submitted): Promise<void> {
  const { array } = submitted;
  const { blobs } = azureSdk('local');
  const results = blobs.getContainerClient(`job-${array.jobId}`).getBlobClient(arrayResultsBlob);
  if (await retrying('the results blob', () => results.exists())) {
    await expectExactOutcome(stack, submitted);
    return;
  }
  const refused = await array.get('ChildJobEvaluationResults').then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(refused).toBeInstanceOf(StoredStateMissingError);
  expect((refused as Error).message).toContain(`job-${array.jobId}/${arrayResultsBlob}`);
  expect(await array.get('ChildJobCounts')).toEqual({ active: 0, running: 0, succeeded: submitted.elements.length, failed: 0 });
}
