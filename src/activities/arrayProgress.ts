import type { BatchServiceModels } from '@azure/batch';
import { Context } from '@temporalio/activity';
import type { ConnectionClients } from '../azure/connectionClients';
import { blobIndexOfChild, type ChildCounts, childOfTaskId, childTaskId, taskIdPrefixOfBlob } from '../model/arrayJob';
import {
  childAttempts,
  type ChildShard,
  childStatus,
  type ChildUpdate,
  countShard,
  resetChild,
  setChildAttempts,
  updateChild,
} from '../model/childShard';
import { evaluationFileName, jobContainerName, resultFileName, stderrFileName, stdoutFileName, taskOutputPath } from '../model/conventions';
import { defaultInfrastructureRetries, failureKind, infrastructureAttempts, infrastructureBackoffMs, withEndedAttempts } from '../model/failureKind';
import type { TaskObservation } from '../model/jobSpec';
import { clientTerminationReason, outcomeOfTask } from '../model/outcome';
import { batchErrorCode } from './batchErrors';
import { ChildShardStore } from './childShards';
import { mapWithConcurrency } from './concurrency';
import { jobPoolWaitingReason } from './batchLimits';
import { sleepHeartbeating } from './heartbeat';
import { requiredOutputs, restoreOutputsFromNode, resultLeftOnNode, withUnreadableOutputs } from './outputVerification';
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
   * Script children always write a result, read as each completes; a command
   * child may or may not, so those are gathered once at the end (gatherArrayResults).
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
/** What a shard listing collects: enough to verify a child's outputs and find results. */
const verifiedFileNames = [stdoutFileName, stderrFileName, resultFileName, evaluationFileName];

function isCompletedLetter(status: string): boolean {
  return status === 'Succeeded' || status === 'Failed';
}

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

  async function readJson(connection: string, jobId: string, blob: string): Promise<unknown> {
    const container = clients.get(connection).blobs.getContainerClient(jobContainerName(jobId));
    try {
      return JSON.parse((await container.getBlobClient(blob).downloadToBuffer()).toString('utf8'));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404 || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

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

  /** Names of the logs, results and evaluations a shard's children left in storage: one listing instead of a read per child. */
  async function outputsOfShard(connection: string, jobId: string, index: number): Promise<Set<string>> {
    const container = clients.get(connection).blobs.getContainerClient(jobContainerName(jobId));
    const names = new Set<string>();
    for await (const blob of container.listBlobsFlat({ prefix: taskIdPrefixOfBlob(index) })) {
      if (verifiedFileNames.some((name) => blob.name.endsWith(`/${name}`))) names.add(blob.name);
    }
    return names;
  }

  /**
   * What a task's latest state means for its child. A completed task is
   * verified first: success needs its logs (and a script child's result) in
   * storage. An infrastructure failure within the rerun budget comes back as a
   * rerun instead of an outcome.
   */
  async function childUpdateOf(
    connection: string,
    jobId: string,
    task: ListedTask,
    abortReason: string | null,
    bodyKind: 'script' | 'command',
    written: Set<string>,
  ): Promise<ChildUpdate & { rerun?: { kind: 'infrastructure'; reason: string } }> {
    let observation = observationOf(task);
    if (observation.state === 'active') return { status: 'Active' };
    if (observation.state !== 'completed') return { status: 'Running', startTime: observation.startTime };
    const taskId = task.id!;
    const expectsResult = bodyKind === 'script';
    if (abortReason === null && failureKind(observation) === undefined) {
      const missing = requiredOutputs(taskId, expectsResult).filter((blob) => !written.has(blob));
      const { batch, blobs } = clients.get(connection);
      if (missing.length > 0 && (await restoreOutputsFromNode(batch, blobs.getContainerClient(jobContainerName(jobId)), jobId, taskId, missing))) {
        for (const blob of missing) written.add(blob);
        Context.current().log.warn('child outputs lost by storage were uploaded again from the node', { jobId, taskId, missing });
      } else {
        observation = withUnreadableOutputs(observation, missing);
      }
    }
    const outcome = outcomeOfTask(observation, abortReason ?? undefined);
    if (abortReason === null && failureKind(observation) === 'infrastructure') {
      return { status: 'Failed', exitCode: outcome.exitCode, reason: outcome.statusReason, endTime: observation.endTime, rerun: { kind: 'infrastructure', reason: outcome.statusReason ?? 'infrastructure failure' } };
    }
    const resultBlob = taskOutputPath(taskId, resultFileName);
    const result = expectsResult && written.has(resultBlob) ? await readJson(connection, jobId, resultBlob) : undefined;
    let reason = outcome.statusReason;
    const evaluationBlob = taskOutputPath(taskId, evaluationFileName);
    if (expectsResult && outcome.status === 'Failed' && abortReason === null && written.has(evaluationBlob)) {
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

  /**
   * Brings the shards in line with Batch's task states: new states recorded,
   * completed tasks verified, infrastructure failures rerun (backoff, then
   * Batch's reactivate) within their budget. With `reconcile`, every child is
   * checked, succeeded ones against storage too, and each repair is logged.
   */
  async function applyTaskStates(
    input: PollArrayProgressInput,
    store: ChildShardStore,
    byShard: Map<number, ListedTask[]>,
    reconcile: boolean,
  ): Promise<{ changed: number; reruns: number; shards: ChildShard[] }> {
    const context = Context.current();
    const pending: { index: number; shard: ChildShard; updates: [number, ChildUpdate][] }[] = [];
    const reruns: { child: number; attempt: number }[] = [];
    const repaired: string[] = [];
    for (const [index, shardTasks] of [...byShard].sort(([a], [b]) => a - b)) {
      context.heartbeat(index);
      const shard = await store.read(index);
      const unsettled = (task: ListedTask) => task.state === 'completed' && (reconcile || !isCompletedLetter(childStatus(shard, childOfTaskId(task.id!)!)));
      const written = shardTasks.some(unsettled) ? await outputsOfShard(input.connection, input.jobId, index) : new Set<string>();
      const verified = (child: number) =>
        requiredOutputs(childTaskId(child), input.bodyKind === 'script').every((blob) => written.has(blob));
      const updates = await mapWithConcurrency(shardTasks, readConcurrency, async (task) => {
        const child = childOfTaskId(task.id!)!;
        const known = childStatus(shard, child);
        const next = (task.state ?? 'active') as string;
        const unchanged =
          (next === 'completed' && known === 'Failed') ||
          (next === 'completed' && known === 'Succeeded' && (!reconcile || verified(child))) ||
          (next === 'active' && known === 'Active') ||
          ((next === 'running' || next === 'preparing') && known === 'Running');
        if (unchanged) return undefined;
        const update = await childUpdateOf(input.connection, input.jobId, task, shard.abortReasons[child - shard.first], input.bodyKind, written);
        if (reconcile) repaired.push(`${child} (${known} → ${update.rerun ? 'rerun' : update.status})`);
        return [child, update, task] as const;
      });
      const real: [number, ChildUpdate][] = [];
      for (const found of updates) {
        if (!found) continue;
        const [child, { rerun, ...update }, task] = found;
        const recorded = childAttempts(shard, child);
        const completion = { endTime: update.endTime, batchRetries: task.executionInfo?.retryCount ?? 0 };
        if (rerun && infrastructureAttempts(recorded) < defaultInfrastructureRetries) {
          const attempts = withEndedAttempts(recorded, completion, rerun);
          setChildAttempts(shard, child, attempts);
          reruns.push({ child, attempt: infrastructureAttempts(attempts) });
          real.push([child, { status: 'Active', reason: `Rerunning after an infrastructure failure: ${rerun.reason}` }]);
          continue;
        }
        if (update.status !== 'Active' && update.status !== 'Running') setChildAttempts(shard, child, withEndedAttempts(recorded, completion));
        real.push([child, update]);
      }
      pending.push({ index, shard, updates: real });
    }

    if (reruns.length > 0) {
      context.log.warn('rerunning array children after infrastructure failures', { jobId: input.jobId, children: reruns.length });
      await sleepHeartbeating(context, infrastructureBackoffMs(Math.max(...reruns.map((rerun) => rerun.attempt))));
      const { batch } = clients.get(input.connection);
      const refused = new Set<number>();
      await mapWithConcurrency(reruns, 16, async ({ child }) => {
        if (!(await reactivateTask(batch, input.jobId, childTaskId(child)))) refused.add(child);
      });
      // The job has ended (an abort): those failures stand.
      for (const { updates } of pending) {
        for (const entry of updates) if (refused.has(entry[0])) entry[1] = { status: 'Failed', reason: 'The task failed for reasons outside the job and could not be rerun: the Azure job has ended.' };
      }
    }
    let changed = 0;
    for (const { index, shard, updates } of pending) {
      for (const [child, update] of updates) updateChild(shard, child, update);
      if (updates.length > 0) await store.write(index, shard);
      changed += updates.length;
    }
    if (repaired.length > 0) {
      context.log.warn('array child states repaired from Batch at the end of the array', {
        jobId: input.jobId,
        repaired: repaired.length,
        children: repaired.slice(0, 20).join(', '),
      });
    }
    return { changed, reruns: reruns.length, shards: pending.map((entry) => entry.shard) };
  }

  /**
   * A succeeded command child whose result.json storage does not have, while
   * its node does, lost it in storage: it is uploaded again from the node.
   */
  async function restoreLostResults(connection: string, jobId: string, shard: ChildShard, written: Set<string>): Promise<void> {
    const { batch, blobs } = clients.get(connection);
    const container = blobs.getContainerClient(jobContainerName(jobId));
    const suspects: string[] = [];
    for (let at = 0; at < shard.statuses.length; at++) {
      const taskId = childTaskId(shard.first + at);
      if (shard.statuses[at] === 'S' && shard.results[at] === null && !written.has(taskOutputPath(taskId, resultFileName))) suspects.push(taskId);
    }
    await mapWithConcurrency(suspects, 16, async (taskId) => {
      const blob = taskOutputPath(taskId, resultFileName);
      if (!(await resultLeftOnNode(batch, jobId, taskId))) return;
      if (await restoreOutputsFromNode(batch, container, jobId, taskId, [blob])) {
        written.add(blob);
        Context.current().log.warn('a result lost by storage was uploaded again from the node', { jobId, taskId });
      }
    });
  }

  /** The counts a completed array reports: its shards', after reconciling; a disagreement with Batch's is logged. */
  function reconciledCounts(jobId: string, batchCounts: ChildCounts, shards: ChildShard[]): ChildCounts {
    const counts: ChildCounts = { active: 0, running: 0, succeeded: 0, failed: 0 };
    for (const shard of shards) {
      const own = countShard(shard);
      counts.active += own.active;
      counts.running += own.running;
      counts.succeeded += own.succeeded;
      counts.failed += own.failed;
    }
    if (counts.succeeded !== batchCounts.succeeded || counts.failed !== batchCounts.failed) {
      Context.current().log.warn('array counts differ from Batch task counts after verification', { jobId, verified: counts, batch: batchCounts });
    }
    return counts;
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
        // Once Batch says every child completed, the whole task list is checked against the shards, not just what changed.
        const reconcile = input.added === input.childCount && counts.completed === input.childCount;
        const tasks = await listChangedTasks(input.connection, input.jobId, reconcile ? undefined : cursor);
        const byShard = new Map<number, ListedTask[]>();
        for (const task of tasks) {
          const child = childOfTaskId(task.id ?? '');
          if (child === undefined || child > input.childCount) continue;
          const shard = blobIndexOfChild(child);
          byShard.set(shard, [...(byShard.get(shard) ?? []), task]);
          const transition = toIso(task.stateTransitionTime);
          if (transition && (!cursor || transition > cursor)) cursor = transition;
        }
        const pass = await applyTaskStates(input, store, byShard, reconcile);
        changed += pass.changed;
        const allCompleted = reconcile && pass.reruns === 0;
        const waited = Date.now() - startedAt;
        if (allCompleted || (changed > 0 && waited >= input.minWaitMs) || waited >= input.maxWaitMs) {
          const { completed: _completed, ...batchCounts } = counts;
          return { counts: allCompleted ? reconciledCounts(input.jobId, batchCounts, pass.shards) : batchCounts, cursor, allCompleted };
        }
        // Children waiting with none running may wait on the pool (no nodes, resize errors): the heartbeat says so.
        const poolWait = counts.running === 0 && counts.active > 0 && waited >= 5000 ? await jobPoolWaitingReason(clients.get(input.connection).batch, input.jobId) : undefined;
        context.heartbeat(poolWait ?? cursor);
        await context.sleep(Math.min(1000, Math.max(200, input.minWaitMs / 2)));
      }
    },

    /**
     * Fills in the results command children wrote (result.json), one blob
     * listing per shard rather than a read per child. Idempotent.
     */
    async gatherArrayResults(input: { connection: string; jobId: string; childCount: number }): Promise<number> {
      const store = shardsOf(input.connection, input.jobId, input.childCount);
      let gathered = 0;
      for (let index = 0; index < store.shardCount; index++) {
        Context.current().heartbeat(index);
        const written = await outputsOfShard(input.connection, input.jobId, index);
        const shard = await store.read(index);
        await restoreLostResults(input.connection, input.jobId, shard, written);
        const found = await mapWithConcurrency([...written], readConcurrency, async (blob) => {
          const child = childOfTaskId(blob.split('/')[0]);
          if (child === undefined || !blob.endsWith(`/${resultFileName}`) || shard.results[child - shard.first] !== null) return 0;
          shard.results[child - shard.first] = (await readJson(input.connection, input.jobId, blob)) ?? null;
          return 1;
        });
        const count = found.reduce((sum: number, one) => sum + one, 0);
        if (count > 0) await store.write(index, shard);
        gathered += count;
      }
      return gathered;
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
    async failUnfinishedChildren(input: { connection: string; jobId: string; childCount: number; reason: string; abortedAt: string }): Promise<number> {
      const store = shardsOf(input.connection, input.jobId, input.childCount);
      const reason = clientTerminationReason(input.reason);
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
            throw new Error(`Child ${child} cannot be rerun: Azure job ${input.jobId} has ended.`);
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
