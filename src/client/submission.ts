import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { AzureRefusedError } from '../azure/errors';
import { unclosedQuoteProblem } from '../model/commandLine';
import { inputBlobName, jobIdForUUID } from '../model/conventions';
import { InvalidSettingError, RemoteBatchError } from '../model/errors';
import { defaultExportName, isValidExportName, scriptBundleFileName } from '../model/scriptJob';
import { type JobSettings, validateSettings } from '../model/settings';
import { jobSearchAttributes } from '../model/searchAttributes';
import type { ArrayJobInput, JobBody, JobInputFile, SingleJobInput } from '../model/workflowInputs';
import type { arrayJob } from '../workflows/arrayJob';
import type { singleJob } from '../workflows/singleJob';
import { type JobDescription, jobStaticDetails, jobStaticSummary } from '../model/workflowSummary';
import { withTemporal } from './abort';
import { bundleScript } from './bundleScript';
import { dependenciesOf } from './dependencies';
import type { BatchEnvironment } from './environment';
import { checkInputFiles, checkRetryWindow, type SubmitOptions } from './submitOptions';
import { taskQueue } from './temporalSettings';

export type JobBodySpec =
  /** A JS/TS module whose default (or named) export is called with `args`; its return value is the result. */
  | { script: string; args?: unknown[]; exportName?: string }
  /** Any command line; it may write `result.json` in its working directory. */
  | { command: string };

export class PoolNotFoundError extends RemoteBatchError {
  constructor(readonly poolId: string, connection: string) {
    super(`PoolID: there is no pool '${poolId}' in the Batch account of connection '${connection}'.`, 'PoolNotFound', 404);
    this.name = 'PoolNotFoundError';
  }
}

/** A body is a script or a command, never both; args are checked with the workflow input. */
function checkBody(body: JobBodySpec): void {
  if (!body || typeof body !== 'object') throw new InvalidSettingError('body', 'The job body must be { script, args?, exportName? } or { command }.');
  if ('script' in body && 'command' in body) {
    throw new InvalidSettingError('body', 'The job body has both script and command; give one: { script, args? } or { command }.');
  }
  if ('script' in body) {
    if (typeof body.script !== 'string' || body.script === '') throw new InvalidSettingError('script', 'script must be the path of a JS/TS module.');
    if (body.args !== undefined && !Array.isArray(body.args)) throw new InvalidSettingError('args', 'args must be an array of arguments.');
    if (body.exportName !== undefined && (typeof body.exportName !== 'string' || !isValidExportName(body.exportName))) {
      throw new InvalidSettingError('exportName', `exportName ${JSON.stringify(body.exportName)} is not a JavaScript identifier.`);
    }
  } else if (!('command' in body) || typeof body.command !== 'string' || body.command.trim() === '') {
    throw new InvalidSettingError('command', 'command must be a non-empty command line.');
  } else {
    const problem = unclosedQuoteProblem(body.command);
    if (problem) throw new InvalidSettingError('command', problem);
  }
}

/** Refuses up front what Batch would accept and never run: an unknown pool, or more slots than a node has. */
async function checkPool(env: BatchEnvironment, settings: JobSettings, signal?: AbortSignal): Promise<void> {
  let slots: number;
  try {
    slots = await env.azure().batch.poolSlots(env.poolId, signal);
  } catch (error) {
    if (error instanceof AzureRefusedError && error.code === 'PoolNotFound') throw new PoolNotFoundError(env.poolId, env.connection);
    throw error;
  }
  if (settings.vcpuCount > slots) {
    throw new InvalidSettingError(
      'VCPUCount',
      `VCPUCount ${settings.vcpuCount} is more than the ${slots} task slots per node of pool '${env.poolId}'; ` +
        `Batch would keep such a task waiting forever. Use at most ${slots}.`,
    );
  }
}

export interface PreparedSubmission {
  jobId: string;
  settings: JobSettings;
  body: JobBody;
  inputs: JobInputFile[];
  /** The local files uploaded as `inputs`. */
  localFiles: string[];
  /** The script module bundled into `body.bundleBlob`. */
  script?: string;
}

/**
 * The first half of a submission, shared by submit and mapSubmit, creating
 * nothing: checks the body, the settings and the local input files, and names
 * the job and the blobs its input will refer to. The caller then checks the
 * whole workflow input against its schema before carryOutSubmission.
 */
export function planSubmission(body: JobBodySpec, options: SubmitOptions): PreparedSubmission {
  checkBody(body);
  const inputFiles = checkInputFiles(options.inputFiles);
  const jobSettings = validateSettings(options.settings === undefined ? {} : options.settings);
  const inputs: JobInputFile[] = inputFiles.map((file) => ({ name: path.basename(file), blob: inputBlobName(path.basename(file)) }));
  const jobBody: JobBody =
    'script' in body
      ? { kind: 'script', bundleBlob: inputBlobName(scriptBundleFileName), exportName: body.exportName ?? defaultExportName, args: body.args ?? [] }
      : { kind: 'command', commandLine: body.command };
  return { jobId: jobIdForUUID(randomUUID()), settings: jobSettings, body: jobBody, inputs, localFiles: inputFiles, script: 'script' in body ? body.script : undefined };
}

/** The workflow input fields a single job and an array share, from the plan and the options. */
export function commonJobInput(env: BatchEnvironment, plan: PreparedSubmission, options: SubmitOptions) {
  const retryWindowSeconds = checkRetryWindow(options.retryWindowInSeconds);
  const after = dependenciesOf(options.after, options.afterCondition);
  return {
    jobId: plan.jobId,
    environment: env.ref,
    body: plan.body,
    settings: plan.settings,
    inputs: plan.inputs,
    submittedAt: new Date().toISOString(),
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.labels !== undefined ? { labels: options.labels } : {}),
    ...(retryWindowSeconds !== undefined ? { retryWindowSeconds } : {}),
    ...(after !== undefined ? { after } : {}),
    ...(options.notify !== undefined ? { notify: options.notify } : {}),
  };
}

/**
 * The second half: bundles a script (refusing an export it lacks), checks the
 * pool, then creates the job's container and uploads the bundle and the input
 * files. Throws before anything is created when something is wrong.
 */
export async function carryOutSubmission(env: BatchEnvironment, plan: PreparedSubmission, signal?: AbortSignal): Promise<void> {
  const bundle = plan.script !== undefined && plan.body.kind === 'script' ? await bundleScript(plan.script, plan.body.exportName) : undefined;
  signal?.throwIfAborted();
  await checkPool(env, plan.settings, signal);
  const storage = env.azure().storage.job(plan.jobId);
  // Marked pending until the workflow starts: the reconciler deletes it if the start never happens.
  await storage.create(plan.jobId, signal);
  for (const file of plan.localFiles) await storage.uploadFile(inputBlobName(path.basename(file)), file, signal);
  if (bundle !== undefined && plan.body.kind === 'script') await storage.uploadText(plan.body.bundleBlob, bundle, signal);
}

type JobWorkflow = { singleJob: typeof singleJob; arrayJob: typeof arrayJob };

/** What the Temporal UI's summary and details say of a job. */
export function jobDescriptionOf(env: BatchEnvironment, type: 'Single' | 'Array', prepared: PreparedSubmission, name: string | undefined, array?: { childCount: number; spanSize: number }): JobDescription {
  return {
    type,
    poolId: env.poolId,
    runs:
      prepared.body.kind === 'command'
        ? { kind: 'command', commandLine: prepared.body.commandLine }
        : { kind: 'script', fileName: prepared.script !== undefined ? path.basename(prepared.script) : scriptBundleFileName, exportName: prepared.body.exportName ?? defaultExportName },
    settings: prepared.settings,
    ...(name !== undefined ? { name } : {}),
    ...array,
  };
}

/**
 * Starts a job's workflow with its search attributes set, so it lists at
 * once; the workflow writes its state (memo) itself, and readers show the
 * state it starts from until it has.
 */
export async function startJobWorkflow<W extends keyof JobWorkflow>(
  env: BatchEnvironment,
  workflowType: W,
  prepared: PreparedSubmission,
  input: W extends 'singleJob' ? SingleJobInput : ArrayJobInput,
  options: { array?: { childCount: number; spanSize: number }; signal?: AbortSignal } = {},
): Promise<void> {
  const { array, signal } = options;
  const type = workflowType === 'singleJob' ? 'Single' : 'Array';
  const description = jobDescriptionOf(env, type, prepared, input.name, array);
  await withTemporal(env, signal, (client) =>
    client.workflow.start<JobWorkflow[W]>(workflowType, {
      taskQueue,
      workflowId: prepared.jobId,
      args: [input] as Parameters<JobWorkflow[W]>,
      typedSearchAttributes: jobSearchAttributes({
        status: 'Active',
        type,
        poolId: env.poolId,
        jobId: prepared.jobId,
        connection: env.connection,
        name: input.name,
        labels: input.labels as Record<string, string> | undefined,
      }),
      staticSummary: jobStaticSummary(description),
      staticDetails: jobStaticDetails(description),
    }),
  );
  await env.azure().storage.job(prepared.jobId).markStarted(prepared.jobId, signal);
}
