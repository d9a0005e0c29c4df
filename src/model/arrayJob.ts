import { firstArrayChildTaskId } from './conventions';
import type { ShardTally } from './childShard';
import type { EnvironmentRef, JobBody, JobInput } from './jobSpec';
import type { RetryRequest } from './retry';
import { type JobSettings, stateSettings } from './settings';
import type { ArrayJobStatus } from './status';

/** The most children one array job may have (AWS Batch stops at 10,000). */
export const maxArrayChildren = 100_000;
/** The most elements one array job may map over (children × span). */
export const maxArrayElements = 1_000_000;
/** Children per element chunk blob and per child-state shard blob. */
export const childrenPerBlob = 1000;

export interface ArrayJobInput {
  /** The Azure job id; the workflow id when absent. */
  jobId?: string;
  environment: EnvironmentRef;
  /** A script is called with each element; a command finds its element in a file. */
  body: JobBody;
  settings: JobSettings;
  /** Files every child gets. */
  inputs: JobInput[];
  elementCount: number;
  /** Elements per child (≥ 1): cheap elements packed together. */
  spanSize: number;
  submittedAt: string;
  /** How long a Completed array with failed children stays open for retryFailed (seconds). */
  retryWindowSeconds?: number;
  /** Loop turns per workflow run before continue-as-new (default 150); lower only to exercise it. */
  turnsPerRun?: number;
  /** A new run over the Azure job a closed run left open: reruns its failed children (see RetryRequest). */
  retry?: RetryRequest;
}

export interface ChildCounts {
  active: number;
  running: number;
  succeeded: number;
  failed: number;
}

/** Small by design, whatever the number of children: per-child facts live in blobs. */
export interface ArrayJobState {
  jobId: string;
  poolId: string;
  status: ArrayJobStatus;
  statusReason?: string;
  childCount: number;
  elementCount: number;
  spanSize: number;
  /** Children whose tasks Batch has accepted. */
  added: number;
  counts: ChildCounts;
  /** High-water mark of task state transitions already recorded in the child shards. */
  cursor?: string;
  submittedAt: string;
  startedAt?: string;
  completedAt?: string;
  abortReason?: string;
  /** Times retryFailed reran failed children. */
  retries: number;
  /**
   * Set once the workflow run has ended. Until `retryUntil` the Azure job stays
   * active and a new run under the same workflow id may rerun the failed children.
   */
  closed: boolean;
  /** End of the retry window of a run that closed with failed children (ISO time); absent: no retry. */
  retryUntil?: string;
  /** The run this one retried, and what every earlier run ended with. */
  previousRunId?: string;
  attempts?: ArrayAttempt[];
  /**
   * What each child shard held when the array completed, and the children's
   * body kind (to rebuild the shards). Storage that loses writes it had
   * acknowledged (Azurite killed within its save interval) leaves an older shard:
   * readers notice it disagrees and have it rebuilt from Batch and the outputs.
   * Absent while children run, and in arrays completed before it existed.
   */
  completedShards?: { bodyKind: JobBody['kind']; tallies: ShardTally[] };
  inputNames: string[];
  settings: Pick<JobSettings, 'containerImage' | 'jobPriority' | 'vcpuCount' | 'timeConstraint'>;
}

/** How one run of an array ended. */
export interface ArrayAttempt {
  runId: string;
  succeeded: number;
  failed: number;
  statusReason?: string;
  completedAt?: string;
}

/** An array's state before anything ran: what the client puts in the memo and the workflow starts from. */
export function initialArrayJobState(input: ArrayJobInput, jobId: string, settings: JobSettings): ArrayJobState {
  const spanSize = input.spanSize ?? 1;
  const childCount = childCountOf(input.elementCount, spanSize);
  return {
    jobId,
    poolId: input.environment.poolId,
    status: 'Active',
    childCount,
    elementCount: input.elementCount,
    spanSize,
    added: 0,
    counts: { active: childCount, running: 0, succeeded: 0, failed: 0 },
    submittedAt: input.submittedAt,
    retries: 0,
    closed: false,
    inputNames: input.inputs.map((file) => file.name),
    settings: stateSettings(settings),
  };
}

export function childCountOf(elementCount: number, spanSize: number): number {
  return Math.ceil(elementCount / spanSize);
}

/** Child n (1-based) runs as task 10000000 + n. */
export function childTaskId(child: number): string {
  return String(firstArrayChildTaskId - 1 + child);
}

export function childOfTaskId(taskId: string): number | undefined {
  const child = Number(taskId) - (firstArrayChildTaskId - 1);
  return Number.isInteger(child) && child >= 1 ? child : undefined;
}

function sixDigits(index: number): string {
  return String(index).padStart(6, '0');
}

/**
 * Which blob (element chunk and state shard) holds child n. Blob k holds the
 * children whose task ids share the decimal prefix 10000+k (task 10000000 + n),
 * so one blob listing by that prefix finds every output of a shard's children.
 */
export function blobIndexOfChild(child: number): number {
  return Math.floor(child / childrenPerBlob);
}

/** The first and last child of blob k (blob 0 starts at child 1: task 10000000 is the single job's). */
export function childrenOfBlob(index: number, childCount: number): { first: number; last: number } {
  return { first: Math.max(1, index * childrenPerBlob), last: Math.min(childCount, index * childrenPerBlob + childrenPerBlob - 1) };
}

export function blobCount(childCount: number): number {
  return blobIndexOfChild(childCount) + 1;
}

/** The task-id prefix shared by blob k's children, for listing their outputs at once. */
export function taskIdPrefixOfBlob(index: number): string {
  return String((firstArrayChildTaskId - 1) / childrenPerBlob + index);
}

/** Elements up to this size (as JSON) travel inside the task definition, not as a blob of their own. */
export const maxInlineElementBytes = 8192;
/** Holds an inline element; the runner (script jobs) or a tiny shell prelude (command jobs) reads it. */
export const inlineElementVariable = 'REMOTE_BATCH_ELEMENT';

/** JSON lines, one per child: its element (span 1) or its span's elements. */
export function elementChunkBlob(index: number): string {
  return `inputs/elements/${sixDigits(index)}.jsonl`;
}

/** The one file a child gets with its element(s). */
export function childElementBlob(child: number): string {
  return `inputs/children/${childTaskId(child)}.json`;
}

export function childShardBlob(index: number): string {
  return `state/children/${sixDigits(index)}.json`;
}

/** Name of the element file in a child's working directory, and the variables that point to it. */
export const childElementFileName = 'remote-batch-element.json';
export const childIndexVariable = 'REMOTE_BATCH_CHILD_INDEX';
export const elementFileVariable = 'REMOTE_BATCH_ELEMENT_FILE';
export const spanSizeVariable = 'REMOTE_BATCH_SPAN_SIZE';
