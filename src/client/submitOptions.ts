import fs from 'node:fs';
import path from 'node:path';
import { closestName, InvalidSettingError } from '../model/errors';
import { describeValue } from '../model/describe';
import { type ProviderSettings, providerSettingNames } from '../model/settings';
import type { DependencyCondition } from '../model/dependencies';
import type { OperationOptions } from './abort';
import type { JobReference } from './dependencies';

/** The options bag of `submit`. */
export interface SubmitOptions extends OperationOptions {
  /** The seed's provider settings (ContainerImage, JobPriority, VCPUCount, TimeConstraint, MaxRetries, EnvironmentVariables). */
  settings?: ProviderSettings;
  /** Local files placed in the task's working directory (the seed's RemoteInputFiles). */
  inputFiles?: string[];
  /** How long a Failed job's Azure job stays open for `retry` (an array with failed children: for `retryFailed`); default one day. */
  retryWindowInSeconds?: number;
  /** The job's name: shown first in the Temporal UI, listed and filtered on (`ls --name`). */
  name?: string;
  /** The job's labels, e.g. `{ team: 'vision', run: '42' }`: listed and filtered on (`ls --label team=vision`). */
  labels?: Record<string, string>;
  /** Jobs (ids or job objects, at most 20) this one runs after: nothing is created in Azure until they meet `afterCondition`. */
  after?: JobReference[];
  /** 'succeeded' (default): each of `after` succeeded (an array: every child); 'ended': each ended either way; 'failed': each failed. */
  afterCondition?: DependencyCondition;
  /** A JSON POST to `url` when the job ends (`on: 'changes'`: at each status change), signed with the workers' secret named `secret`. */
  notify?: NotifyOptions;
}

/** Where and when a job's notifications go; `secret` names a secret the workers hold (REMOTE_BATCH_NOTIFY_SECRET_<NAME>), never the secret. */
export interface NotifyOptions {
  url: string;
  secret?: string;
  on?: 'end' | 'changes';
}

/** The options bag of `mapSubmit`: submit's, and the array's own. */
export interface MapSubmitOptions extends SubmitOptions {
  /** Elements per child (default 1): pack very cheap elements so each task does more. */
  spanSize?: number;
  /** Workflow loop turns per run before continue-as-new; a tuning knob (default 150). */
  turnsPerRun?: number;
}

const submitOptionNames: (keyof SubmitOptions)[] = ['settings', 'inputFiles', 'retryWindowInSeconds', 'name', 'labels', 'after', 'afterCondition', 'notify', 'abortSignal'];
export const mapSubmitOptionNames: (keyof MapSubmitOptions)[] = [...submitOptionNames, 'spanSize', 'turnsPerRun'];

/** Refuses what is not an options bag, or names an option it does not have (a provider setting outside `settings` included). */
export function checkOptionNames<T extends object>(options: T | null | undefined, known: readonly string[], method: string): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidSettingError('options', `${method} options must be an object such as { settings: { VCPUCount: 2 } }; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    if ((providerSettingNames as readonly string[]).includes(name)) {
      throw new InvalidSettingError(name, `${name} is a provider setting: pass it as ${method}(…, { settings: { ${name}: … } }).`);
    }
    const suggestion = closestName(name, known);
    throw new InvalidSettingError(name, `Unknown ${method} option '${name}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''} Options: ${known.join(', ')}.`);
  }
  return options;
}

export function checkSubmitOptions(options: SubmitOptions | undefined): SubmitOptions {
  return checkOptionNames(options, submitOptionNames, 'submit');
}

/** Local input files: each an existing file, no two with the same name (they land in one folder). */
export function checkInputFiles(files: unknown): string[] {
  if (files === undefined) return [];
  if (!Array.isArray(files) || files.some((file) => typeof file !== 'string')) {
    throw new InvalidSettingError('inputFiles', `inputFiles must be an array of local file paths; got ${describeValue(files)}.`);
  }
  const names = new Set<string>();
  for (const file of files as string[]) {
    if (!fs.existsSync(file)) throw new InvalidSettingError('inputFiles', `The input file '${file}' does not exist.`);
    if (!fs.statSync(file).isFile()) throw new InvalidSettingError('inputFiles', `The input file '${file}' is a folder; give files (each is placed in the task's working directory).`);
    const name = path.basename(file);
    if (names.has(name)) throw new InvalidSettingError('inputFiles', `Two input files are named '${name}'; they would overwrite each other.`);
    names.add(name);
  }
  return files as string[];
}

/** retryWindowInSeconds: a number of seconds, 0 or more. */
export function checkRetryWindow(value: unknown): number | undefined {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new InvalidSettingError('retryWindowInSeconds', `retryWindowInSeconds must be a number of seconds, 0 or more; got ${describeValue(value)}.`);
  }
  return value;
}
