import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { batchErrorCode } from '../activities/batchErrors';
import { inputBlobName, jobContainerName } from '../model/conventions';
import { InvalidSettingError } from '../model/errors';
import { type JobBody, type JobInput, jobIdForUUID } from '../model/jobSpec';
import { defaultExportName, isValidExportName, scriptBundleFileName } from '../model/scriptJob';
import { type JobSettings, validateSettings } from '../model/settings';
import { jobSearchAttributes } from '../model/searchAttributes';
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

function checkBody(body: JobBodySpec): void {
  if (!body || typeof body !== 'object') throw new InvalidSettingError('body', 'The job body must be { script, args? } or { command }.');
  if ('script' in body) {
    if (typeof body.script !== 'string' || body.script === '') throw new InvalidSettingError('script', 'script must be the path of a JS/TS module.');
    if (body.args !== undefined && !Array.isArray(body.args)) throw new InvalidSettingError('args', 'args must be an array of arguments.');
    if (body.exportName !== undefined && !isValidExportName(body.exportName)) {
      throw new InvalidSettingError('exportName', `exportName '${body.exportName}' is not a JavaScript identifier.`);
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
}

/**
 * Everything before a workflow starts, shared by submit and mapSubmit: validate
 * body and settings, check the pool, bundle a script, upload the local inputs.
 * Throws before anything is created when something is wrong.
 */
export async function prepareSubmission(
  env: BatchEnvironment,
  body: JobBodySpec,
  settings: SubmitSettings,
  ownSettings: readonly string[] = [],
): Promise<PreparedSubmission> {
  checkBody(body);
  const { inputFiles: rawInputFiles, ...others } = settings;
  const rest = Object.fromEntries(Object.entries(others).filter(([name]) => ownSettings.includes(name)));
  const providerSettings = Object.fromEntries(Object.entries(others).filter(([name]) => !ownSettings.includes(name)));
  const inputFiles = checkInputFiles(rawInputFiles);
  const jobSettings = validateSettings(providerSettings);
  const bundle = 'script' in body ? await bundleScript(body.script) : undefined;
  await checkPool(env, jobSettings);

  const jobId = jobIdForUUID(randomUUID());
  const container = env.azure().blobs.getContainerClient(jobContainerName(jobId));
  await container.createIfNotExists();
  const inputs: JobInput[] = [];
  for (const file of inputFiles) {
    const name = path.basename(file);
    await container.getBlockBlobClient(inputBlobName(name)).uploadFile(file);
    inputs.push({ name, blob: inputBlobName(name) });
  }
  let jobBody: JobBody;
  if (bundle !== undefined && 'script' in body) {
    const bundleBlob = inputBlobName(scriptBundleFileName);
    await container.getBlockBlobClient(bundleBlob).upload(bundle, Buffer.byteLength(bundle));
    jobBody = { kind: 'script', bundleBlob, exportName: body.exportName ?? defaultExportName, args: body.args ?? [] };
  } else {
    jobBody = { kind: 'command', commandLine: (body as { command: string }).command };
  }
  return { jobId, settings: jobSettings, body: jobBody, inputs, rest };
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
  summary: string,
): Promise<void> {
  const client = await env.client();
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
    staticSummary: summary,
    staticDetails: prepared.body.kind === 'command' ? `command: ${prepared.body.commandLine}` : 'script job',
  });
}
