import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  workflowInfo,
} from '@temporalio/workflow';
import type { TaskInputBlob, TaskTemplate } from '../activities/taskDefinition';
import type { AzureJobRecord } from '../model/azureJobRecord';
import { inputBlobName } from '../model/conventions';
import type { EnvironmentRef, JobBody, JobInput } from '../model/jobSpec';
import { defaultExportName, scriptArgsFileName, scriptBundleFileName, scriptCommandLine } from '../model/scriptJob';
import { batchPriority, type JobSettings, processorCountVariable } from '../model/settings';
import { azure, type ShortCalls } from './activityProxies';

/** What both workflows take, as any-language clients may send it. */
export interface JobInputBase {
  jobId?: string;
  environment: EnvironmentRef;
  body: JobBody;
  settings: JobSettings;
  inputs: JobInput[];
  /** How long a failed job's Azure job stays open for a retry (seconds). */
  retryWindowSeconds?: number;
}

export type SetupResult =
  | { outcome: 'ready'; template: TaskTemplate; inputBlobs: TaskInputBlob[] }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'aborted' };

/**
 * Pool check → inline inputs uploaded → Azure job created (idempotently). A
 * refusal (unknown pool, too many slots) is an outcome, not an exception: the
 * job ends Failed with its reason and no Azure job exists.
 */
export async function setUpAzureJob(
  input: JobInputBase,
  jobId: string,
  settings: JobSettings,
  options: {
    /** A single job: one task, its script's args in a file of their own. */
    oneTask: boolean;
    /** Batch ends the job when its tasks are done (onAllTasksComplete). */
    endsWithTasks: boolean;
    isAborted: () => boolean;
    /** How the Azure calls are made (activities or local activities); `azure` by default. */
    calls?: ShortCalls;
    /** What the job is, for the Azure job's metadata. */
    record: AzureJobRecord;
  },
): Promise<SetupResult> {
  const { connection, poolId } = input.environment;
  const calls = options.calls ?? azure;
  try {
    const pool = await calls.getPoolFacts(connection, poolId);
    if (settings.vcpuCount > pool.taskSlotsPerNode) {
      return {
        outcome: 'refused',
        reason: `VCPUCount ${settings.vcpuCount} is more than the ${pool.taskSlotsPerNode} task slots per node of pool '${poolId}'; the task could never be scheduled.`,
      };
    }
    const inlineInputs = input.inputs.flatMap((file) => ('content' in file ? [{ blob: inputBlobName(file.name), content: file.content }] : []));
    if (input.body.kind === 'script' && options.oneTask) {
      inlineInputs.push({ blob: inputBlobName(scriptArgsFileName), content: JSON.stringify(input.body.args ?? []) });
    }
    await calls.uploadJobInputs({ connection, jobId, files: inlineInputs });
    if (options.isAborted()) return { outcome: 'aborted' };
    await calls.createAzureJob({
      connection,
      jobId,
      poolId,
      priority: batchPriority(settings.jobPriority),
      workflowId: workflowInfo().workflowId,
      endsWithTasks: options.endsWithTasks,
      record: options.record,
    });
  } catch (error) {
    const refusal = permanentFailure(error);
    if (refusal === undefined) throw error;
    return { outcome: 'refused', reason: refusal };
  }

  const inputBlobs: TaskInputBlob[] = input.inputs.map((file) => ({ name: file.name, blob: 'blob' in file ? file.blob : inputBlobName(file.name) }));
  if (input.body.kind === 'script') {
    inputBlobs.push({ name: scriptBundleFileName, blob: input.body.bundleBlob });
    if (options.oneTask) inputBlobs.push({ name: scriptArgsFileName, blob: inputBlobName(scriptArgsFileName) });
  }
  const template: TaskTemplate = {
    commandLine: input.body.kind === 'script' ? scriptCommandLine(input.body.exportName ?? defaultExportName) : input.body.commandLine,
    requiredSlots: settings.vcpuCount,
    containerImage: settings.containerImage,
    environment: { ...settings.environmentVariables, [processorCountVariable]: String(settings.vcpuCount) },
    ...(settings.timeConstraint !== undefined ? { maxWallClockSeconds: settings.timeConstraint } : {}),
  };
  return { outcome: 'ready', template, inputBlobs };
}

/** The message of an activity failure that retrying cannot fix, if that is what `error` is. */
export function permanentFailure(error: unknown): string | undefined {
  if (error instanceof ActivityFailure) return error.cause instanceof ApplicationFailure && error.cause.nonRetryable ? error.cause.message : undefined;
  // A local activity's failure reaches the workflow as itself, not wrapped: a refusal like any other, so the
  // job ends Failed with it (runs started before failed their workflow with it instead, and replay so).
  if (error instanceof ApplicationFailure && error.nonRetryable && patched('local-call-refusals-end-the-job')) return error.message;
  return undefined;
}

/** Runs `work`, cancelling it if `isAborted` turns true first. */
export async function unlessAborted<T>(isAborted: () => boolean, work: () => Promise<T>): Promise<T | 'aborted'> {
  const scope = new CancellationScope();
  const running = scope.run(work);
  const aborted = condition(isAborted).then(() => 'aborted' as const);
  const first = await Promise.race([running, aborted]);
  if (first === 'aborted') {
    scope.cancel();
    await running.catch((error) => {
      if (!isCancellation(error)) throw error;
    });
  }
  return first;
}

export function validateReason(reason: unknown): void {
  if (typeof reason !== 'string' || reason.length > 1000) {
    throw new TypeError('abort reason must be a string of at most 1000 characters.');
  }
}
