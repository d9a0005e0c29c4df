import { Context } from '@temporalio/activity';
import type { ListedTask } from '../azure/batchGateway';
import type { AzureGateways, ConnectionGateways } from '../azure/gateways';
import { blobIndexOfChild, childOfTaskId } from '../model/arrayJob';
import { type ChildShard, countShards, earliest, waitingReruns } from '../model/childShard';
import type { ChildCounts } from '../model/jobStates';
import { type ArrayRef, readAllShards } from './arrayShards';
import { applyTaskStates, rerunDueChildren } from './childSettlement';

export interface PollArrayProgressInput extends ArrayRef {
  /** Children Batch has accepted so far; the rest count as Active. */
  added: number;
  cursor?: string;
  /** When the first child waiting for a rerun is due, if any waits (as the last poll returned it). */
  rerunsDueAt?: string;
  /** Return no sooner than this once something changed, and no later than maxWaitMs. */
  minWaitMs: number;
  maxWaitMs: number;
}

export interface ArrayProgress {
  counts: ChildCounts;
  cursor?: string;
  /** When the first child waiting for a rerun is due, if any waits. */
  rerunsDueAt?: string;
  /** Every child has completed, and the shards agree with Batch. */
  allCompleted: boolean;
}

/** Transitions within this margin of the cursor are read again: listing is idempotent, a missed one is not. */
const cursorOverlapMs = 2000;
/** Batch's task counts are looked at this often while waiting: one cheap call that tells when every child has completed. */
const countIntervalMs = 250;
/**
 * While children run, changed tasks are listed at most this often, and only
 * when the counts moved: each listing reads the cursor's overlap again, and
 * its parsing and shard writes compete with the tasks for the machine.
 */
const listingIntervalMs = 2000;

/** Batch's counts; children not added yet (Batch does not know them) count as active. */
async function countChildren(azure: ConnectionGateways, input: PollArrayProgressInput): Promise<ChildCounts & { completed: number }> {
  const counts = await azure.batch.taskCounts(input.jobId);
  const known = counts.active + counts.running + counts.completed;
  return { active: counts.active + Math.max(0, input.childCount - known), running: counts.running, succeeded: counts.succeeded, failed: counts.failed, completed: counts.completed };
}

/** The tasks changed since the cursor (all of them when reconciling), recorded in their shards. */
async function recordChangedTasks(azure: ConnectionGateways, input: PollArrayProgressInput, cursor: string | undefined, reconcile: boolean) {
  const since = !reconcile && cursor ? new Date(new Date(cursor).getTime() - cursorOverlapMs).toISOString() : undefined;
  const byShard = new Map<number, ListedTask[]>();
  for (const task of await azure.batch.listTasks(input.jobId, { changedSince: since })) {
    const child = childOfTaskId(task.id);
    if (child === undefined || child > input.childCount) continue;
    const shard = blobIndexOfChild(child);
    byShard.set(shard, [...(byShard.get(shard) ?? []), task]);
    if (task.stateTransitionTime && (!cursor || task.stateTransitionTime > cursor)) cursor = task.stateTransitionTime;
  }
  return { cursor, ...(await applyTaskStates(azure, input, byShard, reconcile)) };
}

/** The counts of every shard (those just written as they are), and when the first child waiting for a rerun in them is due. */
async function shardCounts(azure: ConnectionGateways, input: ArrayRef, written: ChildShard[]): Promise<{ counts: ChildCounts; rerunsDueAt?: string }> {
  const shards = await readAllShards(azure.storage.job(input.jobId), input.childCount, written);
  const rerunsDueAt = shards.flatMap(waitingReruns).reduce<string | undefined>((first, { at }) => earliest(first, at), undefined);
  return { counts: countShards(shards), ...(rerunsDueAt ? { rerunsDueAt } : {}) };
}

/** The shards agree with Batch: every child ended in them, as many succeeded and failed. */
function agree(own: ChildCounts, batch: ChildCounts): boolean {
  return own.active + own.running === 0 && own.succeeded === batch.succeeded && own.failed === batch.failed;
}

/**
 * Records what changed since the cursor into the child shards and returns
 * Batch's counts. Waits, heartbeating, until something changed or maxWaitMs
 * passed, so history grows per change rather than per look. Once Batch says
 * every child completed, the shards are checked against its counts, and
 * against its whole task list if they disagree.
 */
async function pollArrayProgress(azure: ConnectionGateways, input: PollArrayProgressInput): Promise<ArrayProgress> {
  const context = Context.current();
  const startedAt = Date.now();
  let cursor = input.cursor;
  let rerunsDueAt = input.rerunsDueAt;
  let changed = 0;
  let listed: { at: number; counts: string } | undefined;
  const progress = (counts: ChildCounts, allCompleted: boolean): ArrayProgress => ({ counts, cursor, ...(rerunsDueAt ? { rerunsDueAt } : {}), allCompleted });
  for (;;) {
    if (rerunsDueAt !== undefined && Date.parse(rerunsDueAt) <= Date.now()) {
      const sent = await rerunDueChildren(azure, input, new Date());
      rerunsDueAt = sent.nextDueAt;
      changed += sent.rerun;
    }
    // Counts first: whatever completed before this moment is in the listing that follows.
    const { completed, ...counts } = await countChildren(azure, input);
    // A child waiting for its rerun keeps the array from ending, though Batch counts its task completed.
    const ending = input.added === input.childCount && completed === input.childCount && rerunsDueAt === undefined;
    const waited = () => Date.now() - startedAt;
    const countsNow = JSON.stringify(counts);
    if (ending || !listed || waited() >= input.maxWaitMs || (Date.now() - listed.at >= listingIntervalMs && countsNow !== listed.counts)) {
      listed = { at: Date.now(), counts: countsNow };
      let pass = await recordChangedTasks(azure, input, cursor, false);
      cursor = pass.cursor;
      changed += pass.changed;
      rerunsDueAt = earliest(rerunsDueAt, pass.rerunsDueAt);
      if (ending && pass.reruns === 0) {
        let own = await shardCounts(azure, input, pass.shards);
        if (own.rerunsDueAt === undefined && !agree(own.counts, counts)) {
          pass = await recordChangedTasks(azure, input, cursor, true);
          changed += pass.changed;
          own = await shardCounts(azure, input, pass.shards);
        }
        // A rerun the last poll scheduled and did not live to report: found in the shards, waited for.
        rerunsDueAt = earliest(rerunsDueAt, own.rerunsDueAt);
        // What the array reports is what was verified: a success whose result is unreadable is a failure here.
        if (rerunsDueAt === undefined && own.counts.active + own.counts.running === 0) return progress(own.counts, true);
      }
      if ((changed > 0 && waited() >= input.minWaitMs) || waited() >= input.maxWaitMs) return progress(counts, false);
    }
    // Children waiting with none running may wait on the pool (no nodes, resize errors): the heartbeat says so.
    const poolWait = counts.running === 0 && counts.active > 0 && waited() >= 5000 ? await azure.batch.poolWaitingReason(input.jobId) : undefined;
    context.heartbeat(poolWait ?? cursor);
    await context.sleep(countIntervalMs);
  }
}

export function arrayProgressActivities(gateways: AzureGateways) {
  return {
    pollArrayProgress: (input: PollArrayProgressInput) => pollArrayProgress(gateways.get(input.connection), input),
  };
}
