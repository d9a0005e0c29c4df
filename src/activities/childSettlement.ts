import type { BatchServiceModels } from '@azure/batch';
import { Context } from '@temporalio/activity';
import type { ConnectionClients } from '../azure/connectionClients';
import { type ChildCounts, childOfTaskId, childTaskId, taskIdPrefixOfBlob } from '../model/arrayJob';
import { childAttempts, type ChildShard, childStatus, type ChildUpdate, countShards, setChildAttempts, updateChild } from '../model/childShard';
import { evaluationFileName, jobContainerName, resultFileName, stderrFileName, stdoutFileName, taskLogPath, taskOutputPath } from '../model/conventions';
import { defaultInfrastructureRetries, failureKind, infrastructureAttempts, infrastructureBackoffMs, withEndedAttempts } from '../model/failureKind';
import type { TaskObservation } from '../model/jobSpec';
import { clientTerminationReason, outcomeOfTask } from '../model/outcome';
import { recordChildrenCompleted } from '../telemetry/metrics';
import type { ChildShardStore } from './childShards';
import { mapWithConcurrency } from './concurrency';
import { readListedJsonBlob } from './jsonBlob';
import { sleepHeartbeating } from './heartbeat';
import { requiredOutputs, restoreOutputsFromNode, resultLeftOnNode, withUnreadableOutputs } from './outputVerification';
import { reactivateTask } from './taskReruns';

/**
 * How array children settle: Batch's task states recorded in the child shards,
 * completed children verified against storage (lost outputs restored from the
 * node, or the child rerun), infrastructure failures rerun within their budget,
 * and at the end, unless the shards already agree with Batch's counts, every
 * child reconciled with Batch's task list.
 */

export const readConcurrency = 32;
/** Shards settled or gathered at once: one's listing waits on storage while another's children are checked here. */
export const shardConcurrency = 4;
/**
 * Node file checks in flight at once. In a job whose logs do not vouch for its
 * results (model/outputOrder), every succeeded command child that left no
 * result.json in storage is one, so at the end of a large array they are many
 * small calls that wait on Batch's latency.
 */
const nodeCheckConcurrency = 64;
/** What a shard listing collects: enough to verify a child's outputs and find results. */
const verifiedFileNames = [stdoutFileName, stderrFileName, resultFileName, evaluationFileName];

function isCompletedLetter(status: string): boolean {
  return status === 'Succeeded' || status === 'Failed';
}

/** Every child of the shard has ended: nothing it writes can change any more. */
export function shardSettled(shard: ChildShard): boolean {
  return !/[AR]/.test(shard.statuses);
}

/** Task ids sharing all but their last two digits: a listing by such a prefix covers 100 children. */
const narrowPrefixDigits = 2;
/** Past this many narrow listings, one listing of the whole shard is cheaper. */
const maxNarrowListings = 4;

/**
 * The prefixes to list for the outputs of these just-completed tasks: those of
 * their hundreds, or undefined (the whole shard) when there are many.
 */
function listingPrefixesOf(tasks: ListedTask[]): string[] | undefined {
  const prefixes = new Set(tasks.map((task) => task.id!.slice(0, -narrowPrefixDigits)));
  return prefixes.size > maxNarrowListings ? undefined : [...prefixes];
}

export type ListedTask = Pick<BatchServiceModels.CloudTask, 'id' | 'state' | 'stateTransitionTime' | 'executionInfo'>;

export function toIso(date: Date | string | undefined): string | undefined {
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

/** What the settling needs of the progress poll: which job, how many children, which kind of body. */
export interface SettleInput {
  connection: string;
  jobId: string;
  bodyKind: 'script' | 'command';
}

export function createChildSettlement(clients: ConnectionClients) {
  /** Every blob read here was just listed: see readListedJsonBlob. */
  const readJson = (connection: string, jobId: string, blob: string): Promise<unknown> =>
    readListedJsonBlob(clients.get(connection).blobs.getContainerClient(jobContainerName(jobId)), blob);

  /**
   * Names of the logs, results and evaluations a shard's children left in
   * storage: one listing per prefix (the whole shard by default) instead of a
   * read per child.
   */
  async function outputsOfShard(connection: string, jobId: string, index: number, prefixes = [taskIdPrefixOfBlob(index)]): Promise<Set<string>> {
    const container = clients.get(connection).blobs.getContainerClient(jobContainerName(jobId));
    const names = new Set<string>();
    let listed = 0;
    for (const prefix of prefixes) {
      for await (const blob of container.listBlobsFlat({ prefix })) {
        if (verifiedFileNames.some((name) => blob.name.endsWith(`/${name}`))) names.add(blob.name);
        if (++listed % 1000 === 0) Context.current().heartbeat(index);
      }
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
    const resultBlob = taskOutputPath(taskId, resultFileName);
    if (abortReason === null && failureKind(observation) === undefined) {
      const missing = requiredOutputs(taskId, expectsResult).filter((blob) => !written.has(blob));
      const { batch, blobs } = clients.get(connection);
      // Lost logs may have taken an optional result with them (model/outputOrder): the node tells.
      if (missing.length > 0 && !expectsResult && !written.has(resultBlob) && (await resultLeftOnNode(batch, jobId, taskId))) missing.push(resultBlob);
      if (missing.length > 0 && (await restoreOutputsFromNode(batch, blobs.getContainerClient(jobContainerName(jobId)), jobId, taskId, missing))) {
        for (const blob of missing) written.add(blob);
        Context.current().log.warn('child outputs lost by storage were uploaded again from the node', { jobId, taskId, missing });
      } else {
        observation = withUnreadableOutputs(observation, missing);
      }
    }
    const outcome = outcomeOfTask(observation, abortReason !== null ? clientTerminationReason(abortReason) : undefined);
    if (abortReason === null && failureKind(observation) === 'infrastructure') {
      return { status: 'Failed', exitCode: outcome.exitCode, reason: outcome.statusReason, endTime: observation.endTime, rerun: { kind: 'infrastructure', reason: outcome.statusReason ?? 'infrastructure failure' } };
    }
    // A command child's result is read as soon as it is listed, not in a pass over every shard at the end.
    const result = written.has(resultBlob) ? await readJson(connection, jobId, resultBlob) : undefined;
    let reason = outcome.statusReason;
    const evaluationBlob = taskOutputPath(taskId, evaluationFileName);
    if (expectsResult && outcome.status === 'Failed' && abortReason === null && written.has(evaluationBlob)) {
      const evaluation = (await readJson(connection, jobId, evaluationBlob)) as { error?: string } | undefined;
      if (evaluation?.error) reason = `${reason} ${evaluation.error.slice(0, 500)}`;
    }
    return { status: outcome.status, exitCode: outcome.exitCode, reason, result, startTime: observation.startTime, endTime: observation.endTime };
  }


  /**
   * Brings the shards in line with Batch's task states: new states recorded,
   * completed tasks verified, infrastructure failures rerun (backoff, then
   * Batch's reactivate) within their budget. With `reconcile`, every child is
   * checked, succeeded ones against storage too, and each repair is logged;
   * a command array's shards then also get every result that full listing
   * shows.
   */
  async function applyTaskStates(
    input: SettleInput,
    store: ChildShardStore,
    byShard: Map<number, ListedTask[]>,
    reconcile: boolean,
  ): Promise<{ changed: number; reruns: number; shards: ChildShard[] }> {
    const context = Context.current();
    const pending: { index: number; shard: ChildShard; resultsCurrent: boolean; updates: [number, ChildUpdate][]; written: Set<string> }[] = [];
    const reruns: { child: number; attempt: number }[] = [];
    const repaired: string[] = [];
    // Shards side by side: one's listing waits on storage while another's tasks are checked here.
    await mapWithConcurrency([...byShard].sort(([a], [b]) => a - b), shardConcurrency, async ([index, shardTasks]) => {
      context.heartbeat(index);
      const { shard, resultsCurrent } = await store.readWithFlags(index);
      const unsettled = shardTasks.filter(
        (task) => task.state === 'completed' && (reconcile || !isCompletedLetter(childStatus(shard, childOfTaskId(task.id!)!))),
      );
      const written =
        unsettled.length === 0
          ? new Set<string>()
          : await outputsOfShard(input.connection, input.jobId, index, reconcile ? undefined : listingPrefixesOf(unsettled));
      const verified = (child: number) =>
        requiredOutputs(childTaskId(child), input.bodyKind === 'script').every((blob) => written.has(blob));
      const updates = await mapWithConcurrency(shardTasks, readConcurrency, async (task) => {
        // A shard's reads can outlast the heartbeat timeout on a loaded machine: each one says the worker lives.
        context.heartbeat(index);
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
      pending.push({ index, shard, resultsCurrent, updates: real, written });
    });

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
    await mapWithConcurrency(pending, shardConcurrency, async ({ index, shard, resultsCurrent, updates, written }) => {
      for (const [child, update] of updates) updateChild(shard, child, update);
      const filled = reconcile && input.bodyKind === 'command' ? await fillListedResults(input.connection, input.jobId, shard, written) : 0;
      // Results are read as children complete (childUpdateOf), so a current shard stays current; a full listing makes any shard so.
      if (updates.length > 0 || filled > 0) await store.write(index, shard, { resultsCurrent: resultsCurrent || (reconcile && input.bodyKind === 'command') });
      changed += updates.length;
      recordChildrenCompleted('Succeeded', updates.filter(([, update]) => update.status === 'Succeeded').length);
      recordChildrenCompleted('Failed', updates.filter(([, update]) => update.status === 'Failed').length);
    });
    if (repaired.length > 0) {
      context.log.warn('array child states repaired from Batch at the end of the array', {
        jobId: input.jobId,
        repaired: repaired.length,
        children: repaired.slice(0, 20).join(', '),
      });
    }
    return { changed, reruns: reruns.length, shards: pending.map((entry) => entry.shard) };
  }

  /** The results listed in `written` that the shard lacks, read in. */
  async function fillListedResults(connection: string, jobId: string, shard: ChildShard, written: Set<string>): Promise<number> {
    const missing = [...written].filter((blob) => {
      const child = childOfTaskId(blob.split('/')[0]);
      return child !== undefined && blob.endsWith(`/${resultFileName}`) && shard.results[child - shard.first] === null;
    });
    await mapWithConcurrency(missing, readConcurrency, async (blob) => {
      // One shard's reads can outlast the heartbeat timeout on a loaded machine: each one says the worker lives.
      Context.current().heartbeat();
      shard.results[childOfTaskId(blob.split('/')[0])! - shard.first] = (await readJson(connection, jobId, blob)) ?? null;
    });
    return missing.length;
  }

  /**
   * A succeeded command child whose result.json storage does not have, while
   * its node does, lost it in storage: it is uploaded again from the node.
   * When the job's logs vouch for its results (model/outputOrder), only a
   * child whose logs are gone too is a suspect.
   */
  async function restoreLostResults(connection: string, jobId: string, shard: ChildShard, written: Set<string>, logsLast: boolean): Promise<void> {
    const { batch, blobs } = clients.get(connection);
    const container = blobs.getContainerClient(jobContainerName(jobId));
    const suspects: string[] = [];
    for (let at = 0; at < shard.statuses.length; at++) {
      const taskId = childTaskId(shard.first + at);
      if (shard.statuses[at] !== 'S' || shard.results[at] !== null || written.has(taskOutputPath(taskId, resultFileName))) continue;
      if (!logsLast || !written.has(taskLogPath(taskId, stdoutFileName))) suspects.push(taskId);
    }
    await mapWithConcurrency(suspects, nodeCheckConcurrency, async (taskId) => {
      Context.current().heartbeat();
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
    const counts = countShards(shards);
    if (counts.succeeded !== batchCounts.succeeded || counts.failed !== batchCounts.failed) {
      Context.current().log.warn('array counts differ from Batch task counts after verification', { jobId, verified: counts, batch: batchCounts });
    }
    return counts;
  }

  return { outputsOfShard, applyTaskStates, reconciledCounts, restoreLostResults, fillListedResults };
}
