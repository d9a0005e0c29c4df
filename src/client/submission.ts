import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { batchErrorCode } from '../activities/batchErrors';
import { inputBlobName, jobContainerName } from '../model/conventions';
import { InvalidSettingError } from '../model/errors';
import { type JobBody, type JobInput, jobIdForUUID } from '../model/jobSpec';
import { defaultExportName, isValidExportName, scriptBundleFileName } from '../model/scriptJob';
import { type JobSettings, validateSettings } from '../model/settings';
import { pendingUploadMetadata } from '../model/reconciliation';
import { jobSearchAttributes } from '../model/searchAttributes';
import { type JobDescription, jobStaticDetails, jobStaticSummary } from '../model/workflowSummary';
import { bundleScript } from './bundleScript';
import type { BatchEnvironment } from './environment';
import { taskQueue } from './temporalSettings';

export type JobBodySpec =
  /** A JS/TS module whose default (or named) export is called with `args`; its return value is the result. */
  | { script: string; args?: unknown[]; exportName?: string }
  /** Any command line; it may write `result.json` in its working directory. */
  | { command: string };

export interface SubmitSettings extends Record<string, unknown> {
  /** Local files placed in the task's working directory (the seed's RemoteInputFiles). */
  inputFiles?: string[];
}

export class PoolNotFoundError extends Error {
  readonly code = 'PoolNotFound';
  constructor(readonly poolId: string, connection: string) {
    super(`PoolID: there is no pool '${poolId}' in the Batch account of connection '${connection}'.`);
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
  }
}

function checkInputFiles(files: unknown): string[] {
  if (files === undefined) return [];
  if (!Array.isArray(files) || files.some((file) => typeof file !== 'string')) {
    throw new InvalidSettingError('inputFiles', 'inputFiles must be an array of local file paths.');
  }
  const names = new Set<string>();
  for (const file of files as string[]) {
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new InvalidSettingError('inputFiles', `The input file '${file}' does not exist.`);
    const name = path.basename(file);
    if (names.has(name)) throw new InvalidSettingError('inputFiles', `Two input files are named '${name}'; they would overwrite each other.`);
    names.add(name);
  }
  return files as string[];
}

/** Refuses up front what Batch would accept and never run: an unknown pool, or more slots than a node has. */
async function checkPool(env: BatchEnvironment, settings: JobSettings): Promise<void> {
  let slots: number;
  try {
    const pool = await env.azure().batch.pool.get(env.poolId);
    slots = pool.taskSlotsPerNode ?? 1;
  } catch (error) {
    if (batchErrorCode(error) === 'PoolNotFound') throw new PoolNotFoundError(env.poolId, env.connection);
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
  inputs: JobInput[];
  /** Other settings the caller handles itself (e.g. spanSize for arrays). */
  rest: Record<string, unknown>;
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
export function planSubmission(body: JobBodySpec, settings: SubmitSettings | null, ownSettings: readonly string[] = []): PreparedSubmission {
  checkBody(body);
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    throw new InvalidSettingError('settings', `settings must be an object such as { VCPUCount: 2 }; got ${JSON.stringify(settings)}.`);
  }
  const { inputFiles: rawInputFiles, ...others } = settings;
  const rest = Object.fromEntries(Object.entries(others).filter(([name]) => ownSettings.includes(name)));
  const providerSettings = Object.fromEntries(Object.entries(others).filter(([name]) => !ownSettings.includes(name)));
  const inputFiles = checkInputFiles(rawInputFiles);
  const jobSettings = validateSettings(providerSettings);
  const inputs: JobInput[] = inputFiles.map((file) => ({ name: path.basename(file), blob: inputBlobName(path.basename(file)) }));
  const jobBody: JobBody =
    'script' in body
      ? { kind: 'script', bundleBlob: inputBlobName(scriptBundleFileName), exportName: body.exportName ?? defaultExportName, args: body.args ?? [] }
      : { kind: 'command', commandLine: body.command };
  return { jobId: jobIdForUUID(randomUUID()), settings: jobSettings, body: jobBody, inputs, rest, localFiles: inputFiles, script: 'script' in body ? body.script : undefined };
}

/**
 * The second half: bundles a script (refusing an export it lacks), checks the
 * pool, then creates the job's container and uploads the bundle and the input
 * files. Throws before anything is created when something is wrong.
 */
export async function carryOutSubmission(env: BatchEnvironment, plan: PreparedSubmission): Promise<void> {
  const bundle = plan.script !== undefined && plan.body.kind === 'script' ? await bundleScript(plan.script, plan.body.exportName) : undefined;
  await checkPool(env, plan.settings);
  const container = env.azure().blobs.getContainerClient(jobContainerName(plan.jobId));
  // Marked pending until the workflow starts: the reconciler deletes it if the start never happens.
  await container.createIfNotExists({
    metadata: { [pendingUploadMetadata.workflowId]: plan.jobId, [pendingUploadMetadata.uploadedAt]: new Date().toISOString() },
  });
  for (const file of plan.localFiles) await container.getBlockBlobClient(inputBlobName(path.basename(file))).uploadFile(file);
  if (bundle !== undefined && plan.body.kind === 'script') await container.getBlockBlobClient(plan.body.bundleBlob).upload(bundle, Buffer.byteLength(bundle));
}

/** The retryWindowSeconds setting of submit and mapSubmit: seconds a failed job's Azure job stays open for a retry. */
export function checkRetryWindow(value: unknown): number | undefined {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new InvalidSettingError('retryWindowSeconds', `retryWindowSeconds must be a number of seconds, 0 or more; got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** Starts a job's workflow with its memo and search attributes set, so it reads and lists at once. */
export async function startJobWorkflow(
  env: BatchEnvironment,
  workflowType: 'singleJob' | 'arrayJob',
  prepared: PreparedSubmission,
  input: unknown,
  initialState: object,
  array?: { childCount: number; spanSize: number },
): Promise<void> {
  const client = await env.client();
  const description: JobDescription = {
    type: workflowType === 'singleJob' ? 'Single' : 'Array',
    poolId: env.poolId,
    runs:
      prepared.body.kind === 'command'
        ? { kind: 'command', commandLine: prepared.body.commandLine }
        : { kind: 'script', fileName: prepared.script !== undefined ? path.basename(prepared.script) : scriptBundleFileName, exportName: prepared.body.exportName ?? defaultExportName },
    settings: prepared.settings,
    ...array,
  };
  await client.workflow.start(workflowType, {
    taskQueue,
    workflowId: prepared.jobId,
    args: [input as never],
    memo: { state: initialState },
    typedSearchAttributes: jobSearchAttributes({
      status: 'Active',
      type: workflowType === 'singleJob' ? 'Single' : 'Array',
      poolId: env.poolId,
      jobId: prepared.jobId,
      connection: env.connection,
    }),
    staticSummary: jobStaticSummary(description),
    staticDetails: jobStaticDetails(description),
  });
  await env.azure().blobs.getContainerClient(jobContainerName(prepared.jobId)).setMetadata({ [pendingUploadMetadata.workflowId]: prepared.jobId });
}
