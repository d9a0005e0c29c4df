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
import { inputBlobName, jobIdPattern, jobIdRule } from '../model/conventions';
import type { EnvironmentRef, JobBody, JobInput } from '../model/jobSpec';
import { defaultExportName, scriptArgsFileName, scriptBundleFileName, scriptCommandLine } from '../model/scriptJob';
import { batchPriority, type JobSettings, processorCountVariable, validateSettings } from '../model/settings';
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

export function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: 'InvalidInput', nonRetryable: true });
}

/**
 * Checks the JSON a workflow was started with; returns the Azure job id and the
 * full settings. `newJob`: the first run of a job (not a retry, not a
 * continuation), held to the id rule that makes `job-<id>` its container;
 * runs of jobs started before that rule keep their ids.
 */
export function validateJobInput(input: JobInputBase, newJob = true): { jobId: string; settings: JobSettings } {
  if (!input || typeof input !== 'object') throw invalid('The workflow takes one JSON object; see the schemas under schema/.');
  if (typeof input.environment?.poolId !== 'string' || input.environment.poolId === '') {
    throw invalid('PoolID is required: environment.poolId must be a non-empty string.');
  }
  if (typeof input.environment.connection !== 'string' || input.environment.connection === '') {
    throw invalid('environment.connection must name a connection the worker knows (e.g. "local").');
  }
  // Clients in other languages may leave jobId out: the workflow id is the Azure job id then.
  const jobId = input.jobId ?? workflowInfo().workflowId;
  if (typeof jobId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(jobId)) {
    throw invalid('jobId (or, without one, the workflow id) must be 1 to 64 letters, digits, hyphens or underscores: it becomes the Azure job id.');
  }
  if (newJob && patched('job-id-names-its-container') && !jobIdPattern.test(jobId)) {
    throw invalid(`jobId (or, without one, the workflow id) ${JSON.stringify(jobId)} is not a valid job id: ${jobIdRule}`);
  }
  if (input.body?.kind !== 'script' && input.body?.kind !== 'command') throw invalid("body.kind must be 'script' or 'command'.");
  if (input.body.kind === 'command' && (typeof input.body.commandLine !== 'string' || input.body.commandLine.trim() === '')) {
    throw invalid('body.commandLine must be a non-empty command line.');
  }
  if (!Array.isArray(input.inputs)) input.inputs = [];
  const window = input.retryWindowSeconds;
  if (window !== undefined && !(typeof window === 'number' && Number.isFinite(window) && window >= 0)) {
    throw invalid(`retryWindowSeconds must be a number of seconds, 0 or more; got ${JSON.stringify(window)}.`);
  }
  try {
    return { jobId, settings: validateSettings((input.settings ?? {}) as unknown as Record<string, unknown>) };
  } catch (error) {
    throw invalid((error as Error).message);
  }
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
    ...(settings.maxRetries && patched('max-retries') ? { maxTaskRetryCount: settings.maxRetries } : {}),
  };
  return { outcome: 'ready', template, inputBlobs };
}

/** The message of an activity failure that retrying cannot fix, if that is what `error` is. */
export function permanentFailure(error: unknown): string | undefined {
  const failure = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : undefined;
  return failure?.nonRetryable ? failure.message : undefined;
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
