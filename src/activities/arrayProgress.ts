import { Context } from '@temporalio/activity';
import type { ConnectionClients } from '../azure/connectionClients';
import { blobIndexOfChild, type ChildCounts, childOfTaskId, childTaskId } from '../model/arrayJob';
import { type ChildShard, childStatus, countShards, resetChild, type ShardTally, tallyShard, updateChild } from '../model/childShard';
import { jobContainerName } from '../model/conventions';
import { uploadsLogsLast } from '../model/outputOrder';
import { clientTerminationReason } from '../model/outcome';
import { recordChildrenCompleted } from '../telemetry/metrics';
import { batchErrorCode, invalidInput } from './batchErrors';
import { jobPoolWaitingReason } from './batchLimits';
import { createChildSettlement, type ListedTask, shardConcurrency, shardSettled, toIso } from './childSettlement';
import { ChildShardStore } from './childShards';
import { mapWithConcurrency } from './concurrency';
import { reactivateTask } from './taskReruns';

export interface PollArrayProgressInput {
  connection: string;
  jobId: string;
  childCount: number;
  /** Children Batch has accepted so far; the rest count as Active. */
  added: number;
  cursor?: string;
  /** Return no sooner than this once something changed, and no later than maxWaitMs. */
  minWaitMs: number;
  maxWaitMs: number;
  /**
   * Script children always write a result; a command child may or may not.
   * Either is read as the child completes; for a command array,
   * gatherArrayResults then makes sure no result was missed.
   */
  bodyKind: 'script' | 'command';
}

export interface ArrayProgress {
  counts: ChildCounts;
  cursor?: string;
  /** Every added child has completed and its facts are recorded in the shards. */
  allCompleted: boolean;
  /** Once allCompleted: what each shard holds (see ArrayJobState.completedShards). */
  tallies?: ShardTally[];
}

export interface GatheredResults {
  gathered: number;
  /** What each shard holds once the results are in. */
  tallies: ShardTally[];
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

export function createArrayProgressActivities(clients: ConnectionClients) {
  const { outputsOfShard, applyTaskStates, reconciledCounts, restoreLostResults, fillListedResults } = createChildSettlement(clients);
  const shardsOf = (connection: string, jobId: string, childCount: number) =>
    new ChildShardStore(clients.get(connection).blobs.getContainerClient(jobContainerName(jobId)), childCount);

  /** Every shard, the ones just written as they are, heartbeating per shard. */
  const everyShard = (store: ChildShardStore, written: ChildShard[]) => store.readAll(written, (index) => Context.current().heartbeat(index));

  async function listChangedTasks(connection: string, jobId: string, cursor: string | undefined): Promise<ListedTask[]> {
    const { batch } = clients.get(connection);
    const since = cursor ? new Date(new Date(cursor).getTime() - cursorOverlapMs).toISOString() : undefined;
    const taskListOptions = {
      select: 'id,state,stateTransitionTime,executionInfo',
      maxResults: 1000,
      ...(since ? { filter: `stateTransitionTime ge datetime'${since}'` } : {}),
    };
    const tasks: ListedTask[] = [];
    let page = await batch.task.list(jobId, { taskListOptions });
    tasks.push(...page);
    while (page.odatanextLink) {
      page = await batch.task.listNext(page.odatanextLink);
      tasks.push(...page);
    }
    return tasks;
  }

  async function jobUploadsLogsLast(connection: string, jobId: string): Promise<boolean> {
    const job = await clients.get(connection).batch.job.get(jobId, { jobGetOptions: { select: 'metadata' } });
    return uploadsLogsLast(job.metadata);
  }

  /**
   * The shards, once every child has completed, if they already agree with
   * Batch: every child ended in them, with as many succeeded and failed as
   * Batch counts. Each child's outputs were checked, and its result read, as it
   * completed; outputs storage loses later are restored from the node when
   * read. Otherwise undefined: every child is checked against Batch's task list
   * and storage.
   */
  async function shardsAgreeingWith(store: ChildShardStore, written: ChildShard[], batchCounts: ChildCounts): Promise<ChildShard[] | undefined> {
    const shards = await everyShard(store, written);
    const own = countShards(shards);
    const agrees = own.active + own.running === 0 && own.succeeded === batchCounts.succeeded && own.failed === batchCounts.failed;
    return agrees ? shards : undefined;
  }

  /** One listing pass: the tasks changed since the cursor (all of them when reconciling) recorded in their shards. */
  async function recordChangedTasks(input: PollArrayProgressInput, store: ChildShardStore, cursor: string | undefined, reconcile: boolean) {
    const tasks = await listChangedTasks(input.connection, input.jobId, reconcile ? undefined : cursor);
    const byShard = new Map<number, ListedTask[]>();
    for (const task of tasks) {
      const child = childOfTaskId(task.id ?? '');
      if (child === undefined || child > input.childCount) continue;
      const shard = blobIndexOfChild(child);
      const shardTasks = byShard.get(shard);
      if (shardTasks) shardTasks.push(task);
      else byShard.set(shard, [task]);
      const transition = toIso(task.stateTransitionTime);
      if (transition && (!cursor || transition > cursor)) cursor = transition;
    }
    return { cursor, ...(await applyTaskStates(input, store, byShard, reconcile)) };
  }

  /** Batch's counts; children not added yet (Batch does not know them) count as active. */
  async function countChildren(connection: string, jobId: string, childCount: number): Promise<ChildCounts & { completed: number }> {
    const { batch } = clients.get(connection);
    const counts = (await batch.job.getTaskCounts(jobId)).taskCounts;
    const known = counts.active + counts.running + counts.completed;
    return {
      active: counts.active + Math.max(0, childCount - known),
      running: counts.running,
      succeeded: counts.succeeded,
      failed: counts.failed,
      completed: counts.completed,
    };
  }

  return {
    /**
     * Records what changed since the cursor into the child shards (status, exit
     * code, reason, result) and returns Batch's counts. Waits, heartbeating,
     * until something changed or maxWaitMs passed, so history grows per change
     * rather than per look.
     */
    async pollArrayProgress(input: PollArrayProgressInput): Promise<ArrayProgress> {
      const context = Context.current();
      const startedAt = Date.now();
      let cursor = input.cursor;
      let changed = 0;
      let listed: { at: number; counts: string } | undefined;
      const store = shardsOf(input.connection, input.jobId, input.childCount);
      for (;;) {
        // Counts first: whatever completed before this moment is in the listing that follows.
        const counts = await countChildren(input.connection, input.jobId, input.childCount);
        // Once Batch says every child completed, the shards are checked against its counts, and against its whole task list if they disagree.
        const reconcile = input.added === input.childCount && counts.completed === input.childCount;
        const countsNow = JSON.stringify(counts);
        const listingDue =
          reconcile ||
          listed === undefined ||
          Date.now() - startedAt >= input.maxWaitMs ||
          (Date.now() - listed.at >= listingIntervalMs && countsNow !== listed.counts);
        const { completed: _completed, ...batchCounts } = counts;
        if (listingDue) {
          listed = { at: Date.now(), counts: countsNow };
          // What changed since the cursor first, even once every child has completed: usually that is all there is to check.
          let pass = await recordChangedTasks(input, store, cursor, false);
          cursor = pass.cursor;
          changed += pass.changed;
          // Children just sent to rerun make Batch's "all completed" stale: look again later.
          if (reconcile && pass.reruns === 0) {
            const agreeing = await shardsAgreeingWith(store, pass.shards, batchCounts);
            if (agreeing) return { counts: batchCounts, cursor, allCompleted: true, tallies: agreeing.map(tallyShard) };
            pass = await recordChangedTasks(input, store, cursor, true);
            changed += pass.changed;
          }
          const allCompleted = reconcile && pass.reruns === 0;
          const waited = Date.now() - startedAt;
          if (allCompleted || (changed > 0 && waited >= input.minWaitMs) || waited >= input.maxWaitMs) {
            if (!allCompleted) return { counts: batchCounts, cursor, allCompleted };
            return { counts: reconciledCounts(input.jobId, batchCounts, pass.shards), cursor, allCompleted, tallies: (await everyShard(store, pass.shards)).map(tallyShard) };
          }
        }
        // Children waiting with none running may wait on the pool (no nodes, resize errors): the heartbeat says so.
        const waited = Date.now() - startedAt;
        const poolWait = counts.running === 0 && counts.active > 0 && waited >= 5000 ? await jobPoolWaitingReason(clients.get(input.connection).batch, input.jobId) : undefined;
        context.heartbeat(poolWait ?? cursor);
        await context.sleep(countIntervalMs);
      }
    },

    /**
     * Fills in the results command children wrote (result.json), one blob
     * listing per shard rather than a read per child. A shard the last
     * progress poll already gathered is only read for its tally. Idempotent.
     */
    async gatherArrayResults(input: { connection: string; jobId: string; childCount: number }): Promise<GatheredResults> {
      const store = shardsOf(input.connection, input.jobId, input.childCount);
      const indexes = Array.from({ length: store.shardCount }, (_, index) => index);
      // Unless the job's logs vouch for its results (model/outputOrder), a missing result.json is asked of the node.
      const logsLast = await jobUploadsLogsLast(input.connection, input.jobId);
      const perShard = await mapWithConcurrency(indexes, shardConcurrency, async (index) => {
        Context.current().heartbeat(index);
        const { shard, resultsCurrent } = await store.readWithFlags(index);
        if (resultsCurrent && logsLast && shardSettled(shard)) return { count: 0, tally: tallyShard(shard) };
        const written = await outputsOfShard(input.connection, input.jobId, index);
        await restoreLostResults(input.connection, input.jobId, shard, written, logsLast);
        const count = await fillListedResults(input.connection, input.jobId, shard, written);
        if (count > 0) await store.write(index, shard, { resultsCurrent: true });
        return { count, tally: tallyShard(shard) };
      });
      const gathered = perShard.reduce((sum, { count }) => sum + count, 0);
      const tallies: ShardTally[] = perShard.map(({ tally }) => tally);
      return { gathered, tallies };
    },

    /** Marks one child for abort (so its reason survives completion) and terminates its task. */
    async abortArrayChild(input: { connection: string; jobId: string; childCount: number; child: number; reason: string }): Promise<void> {
      const store = shardsOf(input.connection, input.jobId, input.childCount);
      const index = blobIndexOfChild(input.child);
      const shard = await store.read(index);
      const status = childStatus(shard, input.child);
      if (status === 'Succeeded' || status === 'Failed') return;
      shard.abortReasons[input.child - shard.first] = input.reason;
      await store.write(index, shard);
      try {
        await clients.get(input.connection).batch.task.terminate(input.jobId, childTaskId(input.child));
      } catch (error) {
        if (batchErrorCode(error) !== 'TaskNotFound' && batchErrorCode(error) !== 'TaskCompleted') throw error;
      }
    },

    /**
     * After the Azure job was terminated by an abort: every child that had not
     * finished before `abortedAt` (never added, waiting, or killed) ends Failed
     * with the abort's reason, or its own if it was aborted alone first.
     */
    async failUnfinishedChildren(input: {
      connection: string;
      jobId: string;
      childCount: number;
      reason: string;
      abortedAt: string;
      /** The children's JobStatusReason; by default the client's abort with `reason`. */
      statusReason?: string;
    }): Promise<number> {
      const store = shardsOf(input.connection, input.jobId, input.childCount);
      const reason = input.statusReason ?? clientTerminationReason(input.reason);
      let failed = 0;
      for (let index = 0; index < store.shardCount; index++) {
        Context.current().heartbeat(index);
        const shard = await store.read(index);
        let touched = false;
        for (let at = 0; at < shard.statuses.length; at++) {
          const letter = shard.statuses[at];
          const failedBeforeAbort = letter === 'F' && shard.endTimes[at] !== null && shard.endTimes[at]! < input.abortedAt;
          if (letter === 'S' || failedBeforeAbort) continue;
          // A child aborted on its own before the array keeps its own reason.
          const childReason = shard.abortReasons[at];
          updateChild(shard, shard.first + at, {
            status: 'Failed',
            reason: childReason ? clientTerminationReason(childReason) : reason,
            exitCode: shard.exitCodes[at] ?? undefined,
            endTime: shard.endTimes[at] ?? input.abortedAt,
          });
          touched = true;
          failed++;
        }
        if (touched) await store.write(index, shard);
      }
      recordChildrenCompleted('Failed', failed);
      return failed;
    },

    /** Reruns the failed children (Batch reactivates their tasks; ids stay), keeping every success. */
    async retryFailedChildren(input: { connection: string; jobId: string; childCount: number }): Promise<number> {
      const { batch } = clients.get(input.connection);
      const store = shardsOf(input.connection, input.jobId, input.childCount);
      let retried = 0;
      for (let index = 0; index < store.shardCount; index++) {
        Context.current().heartbeat(index);
        const shard = await store.read(index);
        const failed: number[] = [];
        for (let at = 0; at < shard.statuses.length; at++) if (shard.statuses[at] === 'F') failed.push(shard.first + at);
        if (failed.length === 0) continue;
        await mapWithConcurrency(failed, 16, async (child) => {
          if (!(await reactivateTask(batch, input.jobId, childTaskId(child)))) {
            throw invalidInput(`Azure job '${input.jobId}' has ended: its failed children can no longer be rerun.`);
          }
          resetChild(shard, child);
        });
        await store.write(index, shard);
        retried += failed.length;
      }
      return retried;
    },
  };
}
