import type { BatchServiceModels } from '@azure/batch';
import { Context } from '@temporalio/activity';
import type { ConnectionClients } from '../azure/connectionClients';
import { blobIndexOfChild, type ChildCounts, childOfTaskId, childTaskId } from '../model/arrayJob';
import { childStatus, type ChildUpdate, resetChild, updateChild } from '../model/childShard';
import { evaluationFileName, jobContainerName, resultFileName, taskOutputPath } from '../model/conventions';
import type { TaskObservation } from '../model/jobSpec';
import { clientTerminationReason, outcomeOfTask } from '../model/outcome';
import { recordChildrenCompleted } from '../telemetry/metrics';
import { batchErrorCode, invalidInput } from './batchErrors';
import { ChildShardStore } from './childShards';
import { gatherShardResults, readJsonBlob, shardSettled } from './shardResults';
import { mapWithConcurrency } from './concurrency';

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
   * Script children always write a result, read as each completes; a command
   * child may or may not, so those are gathered a shard at a time, once all its children ended
   * (and what is left by gatherArrayResults at the end).
   */
  bodyKind: 'script' | 'command';
}

export interface ArrayProgress {
  counts: ChildCounts;
  cursor?: string;
  /** Every added child has completed and its facts are recorded in the shards. */
  allCompleted: boolean;
}

/** Transitions within this margin of the cursor are read again: listing is idempotent, a missed one is not. */
const cursorOverlapMs = 2000;
const readConcurrency = 32;
/** Shards gathered at once at the end: their listings are Storage's work, their parsing the worker's. */
const shardConcurrency = 4;

type ListedTask = Pick<BatchServiceModels.CloudTask, 'id' | 'state' | 'stateTransitionTime' | 'executionInfo'>;

function toIso(date: Date | string | undefined): string | undefined {
  return date ? new Date(date).toISOString() : undefined;
}

function observationOf(task: ListedTask): TaskObservation {
  const info = task.executionInfo;
  return {
    state: (task.state ?? 'active') as TaskObservation['state'],
    exitCode: info?.exitCode,
    result: info?.result,
    failure: info?.failureInfo
      ? { category: info.failureInfo.category, code: info.failureInfo.code, message: info.failureInfo.message }
      : undefined,
    startTime: toIso(info?.startTime),
    endTime: toIso(info?.endTime),
  };
}

export function createArrayProgressActivities(clients: ConnectionClients) {
  const shardsOf = (connection: string, jobId: string, childCount: number) =>
    new ChildShardStore(clients.get(connection).blobs.getContainerClient(jobContainerName(jobId)), childCount);

  const containerOf = (connection: string, jobId: string) => clients.get(connection).blobs.getContainerClient(jobContainerName(jobId));
  const readJson = (connection: string, jobId: string, blob: string) => readJsonBlob(containerOf(connection, jobId), blob);

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

  async function childUpdateOf(
    connection: string,
    jobId: string,
    task: ListedTask,
    abortReason: string | null,
    readOutputs: boolean,
  ): Promise<ChildUpdate> {
    const observation = observationOf(task);
    if (observation.state === 'active') return { status: 'Active' };
    if (observation.state !== 'completed') return { status: 'Running', startTime: observation.startTime };
    const outcome = outcomeOfTask(observation, abortReason !== null ? clientTerminationReason(abortReason) : undefined);
    const taskId = task.id!;
    const result = readOutputs ? await readJson(connection, jobId, taskOutputPath(taskId, resultFileName)) : undefined;
    let reason = outcome.statusReason;
    if (readOutputs && outcome.status === 'Failed' && abortReason === null) {
      const evaluationBlob = taskOutputPath(taskId, evaluationFileName);
      const evaluation = (await readJson(connection, jobId, evaluationBlob)) as { error?: string } | undefined;
      if (evaluation?.error) reason = `${reason} ${evaluation.error.slice(0, 500)}`;
    }
    return { status: outcome.status, exitCode: outcome.exitCode, reason, result, startTime: observation.startTime, endTime: observation.endTime };
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
      const store = shardsOf(input.connection, input.jobId, input.childCount);
      for (;;) {
        // Counts first: whatever completed before this moment is in the listing that follows.
        const counts = await countChildren(input.connection, input.jobId, input.childCount);
        const tasks = await listChangedTasks(input.connection, input.jobId, cursor);
        const byShard = new Map<number, ListedTask[]>();
        for (const task of tasks) {
          const child = childOfTaskId(task.id ?? '');
          if (child === undefined || child > input.childCount) continue;
          const shard = blobIndexOfChild(child);
          byShard.set(shard, [...(byShard.get(shard) ?? []), task]);
          const transition = toIso(task.stateTransitionTime);
          if (transition && (!cursor || transition > cursor)) cursor = transition;
        }
        for (const [index, shardTasks] of byShard) {
          const shard = await store.read(index);
          const updates = await mapWithConcurrency(shardTasks, readConcurrency, async (task) => {
            const child = childOfTaskId(task.id!)!;
            const known = childStatus(shard, child);
            const next = (task.state ?? 'active') as string;
            const unchanged =
              (next === 'completed' && (known === 'Succeeded' || known === 'Failed')) ||
              (next === 'active' && known === 'Active') ||
              ((next === 'running' || next === 'preparing') && known === 'Running');
            if (unchanged) return undefined;
            return [child, await childUpdateOf(input.connection, input.jobId, task, shard.abortReasons[child - shard.first], input.bodyKind === 'script')] as const;
          });
          const real = updates.filter((update): update is NonNullable<typeof update> => update !== undefined);
          for (const [child, update] of real) updateChild(shard, child, update);
          // A command array's shard whose children have all ended gets their results now, not in one pass at the end.
          const resultsGathered = input.bodyKind === 'command' && real.length > 0 && shardSettled(shard);
          if (resultsGathered) await gatherShardResults(containerOf(input.connection, input.jobId), index, shard);
          if (real.length > 0) await store.write(index, shard, { resultsGathered });
          changed += real.length;
          recordChildrenCompleted('Succeeded', real.filter(([, update]) => update.status === 'Succeeded').length);
          recordChildrenCompleted('Failed', real.filter(([, update]) => update.status === 'Failed').length);
        }
        const allCompleted = input.added === input.childCount && counts.completed === input.childCount;
        const waited = Date.now() - startedAt;
        if (allCompleted || (changed > 0 && waited >= input.minWaitMs) || waited >= input.maxWaitMs) {
          const { completed: _completed, ...childCounts } = counts;
          return { counts: childCounts, cursor, allCompleted };
        }
        context.heartbeat(cursor);
        await context.sleep(Math.min(1000, Math.max(200, input.minWaitMs / 2)));
      }
    },

    /**
     * Fills in the results command children wrote (result.json) in the shards
     * polling did not already gather. Idempotent.
     */
    async gatherArrayResults(input: { connection: string; jobId: string; childCount: number }): Promise<number> {
      const store = shardsOf(input.connection, input.jobId, input.childCount);
      const container = containerOf(input.connection, input.jobId);
      const indexes = Array.from({ length: store.shardCount }, (_, index) => index);
      const gathered = await mapWithConcurrency(indexes, shardConcurrency, async (index) => {
        if (await store.resultsGathered(index)) return 0;
        const shard = await store.read(index);
        const count = await gatherShardResults(container, index, shard);
        const settled = shardSettled(shard);
        if (count > 0 || settled) await store.write(index, shard, { resultsGathered: settled });
        return count;
      });
      return gathered.reduce((sum, count) => sum + count, 0);
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
        const shard = await store.read(index);
        const failed: number[] = [];
        for (let at = 0; at < shard.statuses.length; at++) if (shard.statuses[at] === 'F') failed.push(shard.first + at);
        if (failed.length === 0) continue;
        await mapWithConcurrency(failed, 16, async (child) => {
          try {
            await batch.task.reactivate(input.jobId, childTaskId(child));
          } catch (error) {
            const code = batchErrorCode(error);
            if (code === 'JobCompleted' || code === 'JobNotFound') {
              throw invalidInput(`Azure job '${input.jobId}' has ended (${code}): its failed children can no longer be rerun.`);
            }
            // Already active again: an earlier attempt of this activity reactivated it.
            if (code !== 'TaskNotCompleted' && code !== 'TaskAlreadyActive' && code !== 'OperationInvalidForCurrentState') throw error;
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
