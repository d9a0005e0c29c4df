import { Context } from '@temporalio/activity';
import type { ListedTask } from '../azure/batchGateway';
import type { ConnectionGateways } from '../azure/gateways';
import { type JobStorage, type VersionedShard } from '../azure/jobStorage';
import { childOfTaskId, childTaskId, taskIdPrefixOfBlob } from '../model/arrayJob';
import {
  childAttempts,
  type ChildShard,
  childStatus,
  type ChildUpdate,
  earliest,
  rerunDueAt,
  scheduleRerun,
  setChildAttempts,
  updateChild,
  waitingReruns,
} from '../model/childShard';
import { mapWithConcurrency } from '../model/concurrency';
import { evaluationFileName, resultFileName, taskOutputPath } from '../model/conventions';
import { clientTerminationReason } from '../model/outcome';
import { outputListingPrefixes } from '../model/outputListing';
import { settle } from '../model/settlement';
import { recordChildrenCompleted } from '../telemetry/metrics';
import { type ArrayRef, forEachShard } from './arrayShards';
import { rerunTask } from './taskRerun';
import { readResult, requiredOutputs, scriptErrorOf } from './taskWatch';

/** Reads of results and evaluations in flight at once within a shard. */
const readConcurrency = 32;
/** Shards settled at once: one's listing waits on storage while another's children are checked here. */
export const shardConcurrency = 4;
/** Listings of one shard's outputs in flight at once. */
const listingConcurrency = 4;

/** A child's settled change, and the rerun it earned (its failure not its own, or RetryOn's). */
interface ChildChange {
  child: number;
  update: ChildUpdate;
  rerunAfterMs?: number;
}

interface ShardPass {
  index: number;
  read: VersionedShard;
  changes: ChildChange[];
}

/**
 * Names of the outputs the shard's just-completed children left in storage,
 * listed by the prefixes that cover them at the least cost; the whole shard when reconciling.
 */
async function listedOutputs(storage: JobStorage, index: number, shard: ChildShard, completed: ListedTask[], whole: boolean): Promise<Set<string>> {
  if (completed.length === 0) return new Set();
  const settledBefore = (child: number) => child >= shard.first && child < shard.first + shard.statuses.length && /[SF]/.test(shard.statuses[child - shard.first]!);
  const prefixes = whole ? [taskIdPrefixOfBlob(index)] : outputListingPrefixes(completed.map((task) => childOfTaskId(task.id)!), settledBefore);
  const names = new Set<string>();
  await mapWithConcurrency(prefixes, listingConcurrency, async (prefix) => {
    for (const file of await storage.list(prefix)) names.add(file.blobName);
  });
  return names;
}

/** A completed child settled by the one policy (src/model/settlement.ts); its attempts recorded in the shard. */
async function settleChild(storage: JobStorage, array: ArrayRef, shard: ChildShard, task: ListedTask, written: Set<string>): Promise<ChildChange> {
  const child = childOfTaskId(task.id)!;
  const abortReason = shard.abortReasons[child - shard.first];
  const expectsResult = array.bodyKind === 'script';
  const missingOutputs = abortReason === null ? requiredOutputs(task.id, expectsResult).filter((blob) => !written.has(blob)) : [];
  const { result, unreadable } = written.has(taskOutputPath(task.id, resultFileName)) ? await readResult(storage, task.id) : {};
  const scriptError = expectsResult && task.exitCode !== 0 && written.has(taskOutputPath(task.id, evaluationFileName)) ? await scriptErrorOf(storage, task.id) : undefined;
  const settlement = settle({
    observation: task,
    missingOutputs,
    unreadableResult: unreadable,
    scriptError,
    attempts: childAttempts(shard, child),
    ...(abortReason !== null ? { abortReason: clientTerminationReason(abortReason) } : {}),
    ...(array.retryOn ? { retryOn: array.retryOn } : {}),
  });
  setChildAttempts(shard, child, settlement.attempts);
  if (settlement.kind === 'rerun') {
    return { child, update: { status: 'Active', reason: `Waiting to be rerun: ${settlement.reason}` }, rerunAfterMs: settlement.afterMs };
  }
  const { status, statusReason, exitCode } = settlement.outcome;
  return { child, update: { status, exitCode, reason: statusReason, result: status === 'Succeeded' ? result : undefined, startTime: task.startTime, endTime: task.endTime } };
}

/**
 * Whether the shard already records what the task says (a succeeded child is
 * checked against storage again when reconciling; a completed one waiting for
 * its rerun has been settled already).
 */
function recorded(shard: ChildShard, task: ListedTask, reconcile: boolean, verified: (taskId: string) => boolean): boolean {
  const child = childOfTaskId(task.id)!;
  if (task.state === 'completed' && rerunDueAt(shard, child) !== undefined) return true;
  const known = childStatus(shard, child);
  if (task.state === 'completed') return known === 'Failed' || (known === 'Succeeded' && (!reconcile || verified(task.id)));
  if (task.state === 'active') return known === 'Active';
  return known === 'Running';
}

/** One shard's changed tasks, settled in memory. */
async function settleShard(azure: ConnectionGateways, array: ArrayRef, index: number, tasks: ListedTask[], reconcile: boolean): Promise<ShardPass> {
  const context = Context.current();
  const storage = azure.storage.job(array.jobId);
  const read = await storage.readShard(index, array.childCount);
  const { shard } = read;
  const unsettled = tasks.filter((task) => {
    const child = childOfTaskId(task.id)!;
    return task.state === 'completed' && rerunDueAt(shard, child) === undefined && (reconcile || !/[SF]/.test(shard.statuses[child - shard.first]));
  });
  const written = await listedOutputs(storage, index, shard, unsettled, reconcile);
  const verified = (taskId: string) => requiredOutputs(taskId, array.bodyKind === 'script').every((blob) => written.has(blob));
  const changes = await mapWithConcurrency(tasks, readConcurrency, async (task): Promise<ChildChange | undefined> => {
    // A shard's reads can outlast the heartbeat timeout on a loaded machine: each one says the worker lives.
    context.heartbeat(index);
    if (recorded(shard, task, reconcile, verified)) return undefined;
    const child = childOfTaskId(task.id)!;
    if (task.state !== 'completed') return { child, update: task.state === 'active' ? { status: 'Active' } : { status: 'Running', startTime: task.startTime } };
    return settleChild(storage, array, shard, task, written);
  });
  return { index, read, changes: changes.filter((change) => change !== undefined) };
}

/**
 * Sends the children whose rerun is due back to Batch (one whose abort was
 * asked for meanwhile ends Failed instead; one Batch refuses, its job having
 * ended, keeps its failure), and says when the next one left is due.
 */
export async function rerunDueChildren(azure: ConnectionGateways, array: ArrayRef, now: Date): Promise<{ rerun: number; nextDueAt?: string }> {
  const storage = azure.storage.job(array.jobId);
  let rerun = 0;
  let nextDueAt: string | undefined;
  await forEachShard(storage, array.childCount, async (shard) => {
    const waiting = waitingReruns(shard);
    const due = waiting.filter(({ at }) => at <= now.toISOString());
    for (const { at } of waiting) if (at > now.toISOString()) nextDueAt = earliest(nextDueAt, at);
    await mapWithConcurrency(due, 16, async ({ child }) => {
      const abortReason = shard.abortReasons[child - shard.first];
      if (abortReason !== null) return updateChild(shard, child, { status: 'Failed', reason: clientTerminationReason(abortReason) });
      if (await rerunTask(azure, array.jobId, childTaskId(child))) {
        delete shard.rerunsDue![String(child - shard.first)];
        rerun++;
        return;
      }
      updateChild(shard, child, { status: 'Failed', reason: 'The task was to be rerun, but the Azure job has ended.' });
    });
    return due.length > 0;
  });
  if (rerun > 0) Context.current().log.info('array children sent back to Batch for a rerun', { jobId: array.jobId, children: rerun });
  return { rerun, ...(nextDueAt ? { nextDueAt } : {}) };
}

/**
 * Brings the shards in line with Batch's task states: new states recorded,
 * completed children verified and settled, infrastructure failures rerun.
 * With `reconcile`, every listed child is checked again, succeeded ones
 * against storage too. Returns the shards it wrote and how many children changed.
 */
export async function applyTaskStates(
  azure: ConnectionGateways,
  array: ArrayRef,
  byShard: Map<number, ListedTask[]>,
  reconcile: boolean,
): Promise<{ changed: number; reruns: number; rerunsDueAt?: string; shards: ChildShard[] }> {
  const passes = await mapWithConcurrency([...byShard].sort(([a], [b]) => a - b), shardConcurrency, ([index, tasks]) =>
    settleShard(azure, array, index, tasks, reconcile),
  );
  const storage = azure.storage.job(array.jobId);
  const now = Date.now();
  let reruns = 0;
  let rerunsDueAt: string | undefined;
  // A shard another writer changed meanwhile (a child's abort) fails the poll: its retry settles from a fresh read.
  await mapWithConcurrency(passes, shardConcurrency, async ({ index, read, changes }) => {
    for (const { child, update, rerunAfterMs } of changes) {
      updateChild(read.shard, child, update);
      if (rerunAfterMs === undefined) continue;
      const at = new Date(now + rerunAfterMs).toISOString();
      scheduleRerun(read.shard, child, at);
      rerunsDueAt = earliest(rerunsDueAt, at);
      reruns++;
    }
    if (changes.length > 0) await storage.writeShard(index, read);
    recordChildrenCompleted('Succeeded', changes.filter(({ update }) => update.status === 'Succeeded').length);
    recordChildrenCompleted('Failed', changes.filter(({ update }) => update.status === 'Failed').length);
  });
  if (reconcile && passes.some((pass) => pass.changes.length > 0)) {
    Context.current().log.warn('array child states corrected from Batch at the end of the array', { jobId: array.jobId, children: passes.reduce((sum, pass) => sum + pass.changes.length, 0) });
  }
  if (reruns > 0) Context.current().log.warn('array children to be rerun', { jobId: array.jobId, children: reruns, from: rerunsDueAt });
  return { changed: passes.reduce((sum, pass) => sum + pass.changes.length, 0), reruns, ...(rerunsDueAt ? { rerunsDueAt } : {}), shards: passes.map((pass) => pass.read.shard) };
}
