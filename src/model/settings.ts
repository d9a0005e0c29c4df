import { closestName, InvalidSettingError } from './errors';

/** The provider settings of the seed, plus the submission options beside them. */
export interface JobSettings {
  containerImage: string;
  /** -1 (lowest) .. +1 (highest), mapped linearly onto Batch's -1000 .. 1000. */
  jobPriority: number;
  /** Task slots the job occupies, and the processor count it sees. */
  vcpuCount: number;
  /** Seconds; becomes the task's maxWallClockTime. */
  timeConstraint?: number;
  environmentVariables: Record<string, string>;
  /** Times Batch reruns a task that exits nonzero (the task's maxTaskRetryCount); 0 when absent. */
  maxRetries?: number;
}

/** The most MaxRetries allows: enough for flaky work, bounded so a broken job cannot loop for days. */
export const maxMaxRetries = 100;

/** Has Node, so script jobs run in it. */
export const defaultContainerImage = 'node:20-slim';

/** Accepted spellings: the seed's (`VCPUCount`) and camelCase (`vcpuCount`). */
const canonicalNames: Record<string, keyof JobSettings> = {
  ContainerImage: 'containerImage',
  containerImage: 'containerImage',
  JobPriority: 'jobPriority',
  jobPriority: 'jobPriority',
  VCPUCount: 'vcpuCount',
  vcpuCount: 'vcpuCount',
  TimeConstraint: 'timeConstraint',
  timeConstraint: 'timeConstraint',
  EnvironmentVariables: 'environmentVariables',
  environmentVariables: 'environmentVariables',
  MaxRetries: 'maxRetries',
  maxRetries: 'maxRetries',
};
const seedNames: Record<keyof JobSettings, string> = {
  containerImage: 'ContainerImage',
  jobPriority: 'JobPriority',
  vcpuCount: 'VCPUCount',
  timeConstraint: 'TimeConstraint',
  environmentVariables: 'EnvironmentVariables',
  maxRetries: 'MaxRetries',
};

// A Docker reference: [registry[:port]/]path[:tag][@digest], lowercase path components.
const imageReference =
  /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;
const environmentName = /^[A-Za-z_][A-Za-z0-9_]*$/;

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function validateSettings(raw: Record<string, unknown> = {}): JobSettings {
  const given: Partial<Record<keyof JobSettings, unknown>> = {};
  for (const [name, value] of Object.entries(raw)) {
    const canonical = canonicalNames[name];
    if (!canonical) {
      const suggestion = closestName(name, Object.values(seedNames));
      throw new InvalidSettingError(
        name,
        `Unknown setting '${name}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''} ` +
          `Known settings: ${Object.values(seedNames).join(', ')}.`,
      );
    }
    if (value !== undefined) given[canonical] = value;
  }

  const containerImage = given.containerImage ?? defaultContainerImage;
  if (typeof containerImage !== 'string' || !imageReference.test(containerImage)) {
    throw new InvalidSettingError(
      'ContainerImage',
      `ContainerImage must be a Docker image reference such as 'node:20-slim' or 'myregistry.azurecr.io/team/app:1.2'; got ${describe(containerImage)}.`,
    );
  }

  const jobPriority = given.jobPriority ?? 0;
  if (typeof jobPriority !== 'number' || !Number.isFinite(jobPriority) || jobPriority < -1 || jobPriority > 1) {
    throw new InvalidSettingError(
      'JobPriority',
      `JobPriority must be a number from -1 (lowest) to 1 (highest); got ${describe(jobPriority)}.`,
    );
  }

  const vcpuCount = given.vcpuCount ?? 1;
  if (typeof vcpuCount !== 'number' || !Number.isInteger(vcpuCount) || vcpuCount < 1) {
    throw new InvalidSettingError('VCPUCount', `VCPUCount must be a whole number of at least 1; got ${describe(vcpuCount)}.`);
  }

  const timeConstraint = given.timeConstraint;
  if (timeConstraint !== undefined && (typeof timeConstraint !== 'number' || !(timeConstraint > 0) || !Number.isFinite(timeConstraint))) {
    throw new InvalidSettingError(
      'TimeConstraint',
      `TimeConstraint must be a positive number of seconds; got ${describe(timeConstraint)}.`,
    );
  }

  const environmentVariables = given.environmentVariables ?? {};
  if (typeof environmentVariables !== 'object' || environmentVariables === null || Array.isArray(environmentVariables)) {
    throw new InvalidSettingError('EnvironmentVariables', 'EnvironmentVariables must be an object of name → string value.');
  }
  for (const [name, value] of Object.entries(environmentVariables)) {
    if (!environmentName.test(name) || typeof value !== 'string') {
      throw new InvalidSettingError(
        'EnvironmentVariables',
        `EnvironmentVariables: '${name}' must be a name of letters, digits and underscores (not starting with a digit) with a string value.`,
      );
    }
  }

  const maxRetries = given.maxRetries;
  if (maxRetries !== undefined && (typeof maxRetries !== 'number' || !Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > maxMaxRetries)) {
    throw new InvalidSettingError(
      'MaxRetries',
      `MaxRetries must be a whole number from 0 to ${maxMaxRetries} (times Batch reruns a task that exits nonzero); got ${describe(maxRetries)}.`,
    );
  }

  return {
    containerImage,
    jobPriority,
    vcpuCount,
    ...(timeConstraint !== undefined ? { timeConstraint } : {}),
    environmentVariables: environmentVariables as Record<string, string>,
    ...(maxRetries ? { maxRetries } : {}),
  };
}

/** JobPriority [-1, 1] → Batch job priority [-1000, 1000]. */
export function batchPriority(jobPriority: number): number {
  return Math.round(jobPriority * 1000);
}

/** The environment variable through which a job learns its VCPUCount. */
export const processorCountVariable = 'REMOTE_BATCH_PROCESSOR_COUNT';

export type StateSettings = Pick<JobSettings, 'containerImage' | 'jobPriority' | 'vcpuCount' | 'timeConstraint'>;

/** The settings a job's state shows (ProviderSettings); environment variable values stay out of it. */
export function stateSettings(settings: JobSettings): StateSettings {
  const { containerImage, jobPriority, vcpuCount, timeConstraint } = settings;
  return { containerImage, jobPriority, vcpuCount, ...(timeConstraint !== undefined ? { timeConstraint } : {}) };
}

/** A job's ProviderSettings property, in the seed's names. */
export function providerSettings(settings: StateSettings): { ContainerImage: string; JobPriority: number; VCPUCount: number } {
  return { ContainerImage: settings.containerImage, JobPriority: settings.jobPriority, VCPUCount: settings.vcpuCount };
}
