import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AzureRefusedError } from '../azure/errors';
import { inputBlobName, jobIdForUUID } from '../model/conventions';
import { InvalidSettingError, RemoteBatchError } from '../model/errors';
import { defaultExportName, isValidExportName, scriptBundleFileName } from '../model/scriptJob';
import { type JobSettings, validateSettings } from '../model/settings';
import { jobSearchAttributes } from '../model/searchAttributes';
import type { ArrayJobInput, JobBody, JobInputFile, SingleJobInput } from '../model/workflowInputs';
import type { arrayJob } from '../workflows/arrayJob';
import type { singleJob } from '../workflows/singleJob';
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
  /** The job's name: shown first in the Temporal UI, listed and filtered on (`ls --name`). */
  name?: string;
  /** The job's labels, e.g. `{ team: 'vision', run: '42' }`: listed and filtered on (`ls --label team=vision`). */
  labels?: Record<string, string>;
}

/** Options of submit and mapSubmit that are not provider settings but part of every job's input. */
export const jobIdentityOptions = ['name', 'labels'] as const;

/** The name and labels of a submission, as its workflow input carries them (left out when not given). */
export function identityInput(rest: Record<string, unknown>): { name?: string; labels?: Record<string, string> } {
  return {
    ...(rest.name !== undefined ? { name: rest.name as string } : {}),
    ...(rest.labels !== undefined ? { labels: rest.labels as Record<string, string> } : {}),
  };
}

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
    slots = await env.azure().batch.poolSlots(env.poolId);
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
  const inputs: JobInputFile[] = inputFiles.map((file) => ({ name: path.basename(file), blob: inputBlobName(path.basename(file)) }));
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
  const storage = env.azure().storage.job(plan.jobId);
  // Marked pending until the workflow starts: the reconciler deletes it if the start never happens.
  await storage.create(plan.jobId);
  for (const file of plan.localFiles) await storage.uploadFile(inputBlobName(path.basename(file)), file);
  if (bundle !== undefined && plan.body.kind === 'script') await storage.uploadText(plan.body.bundleBlob, bundle);
}

/** The retryWindowSeconds setting of submit and mapSubmit: seconds a failed job's Azure job stays open for a retry. */
export function checkRetryWindow(value: unknown): number | undefined {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new InvalidSettingError('retryWindowSeconds', `retryWindowSeconds must be a number of seconds, 0 or more; got ${JSON.stringify(value)}.`);
  }
  return value;
}

type JobWorkflow = { singleJob: typeof singleJob; arrayJob: typeof arrayJob };

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
  array?: { childCount: number; spanSize: number },
): Promise<void> {
  const client = await env.client();
  const type = workflowType === 'singleJob' ? 'Single' : 'Array';
  const description: JobDescription = {
    type,
    poolId: env.poolId,
    runs:
      prepared.body.kind === 'command'
        ? { kind: 'command', commandLine: prepared.body.commandLine }
        : { kind: 'script', fileName: prepared.script !== undefined ? path.basename(prepared.script) : scriptBundleFileName, exportName: prepared.body.exportName ?? defaultExportName },
    settings: prepared.settings,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...array,
  };
  await client.workflow.start<JobWorkflow[W]>(workflowType, {
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
  });
  await env.azure().storage.job(prepared.jobId).markStarted(prepared.jobId);
}
