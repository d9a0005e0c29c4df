import { firstArrayChildTaskId } from './conventions';

/** The most children one array job may have (AWS Batch stops at 10,000). */
export const maxArrayChildren = 100_000;
/** The most elements one array job may map over (children × span). */
export const maxArrayElements = 1_000_000;
/** Children per element chunk blob and per child-state shard blob. */
const childrenPerBlob = 1000;

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
