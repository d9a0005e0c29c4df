import { z } from 'zod';
import { describeValue, saying } from './describe';
import { closestName, InvalidSettingError } from './errors';
import { camelRetryOn, type RetryRule, retryOnSchema, seedRetryOn } from './retryRules';

/** The provider settings of the seed, plus the submission options beside them (camelCase, as a workflow takes them). */
export type JobSettings = z.output<typeof jobSettingsSchema>;

/** The most MaxRetries allows: enough for flaky work, bounded so a broken job cannot loop for days. */
const maxMaxRetries = 100;

/** The most MaxParallel allows: an array's children. */
const maxMaxParallel = 100_000;

/** Has Node, so script jobs run in it. */
export const defaultContainerImage = 'node:20-slim';

type SettingName = 'containerImage' | 'jobPriority' | 'vcpuCount' | 'timeConstraint' | 'environmentVariables' | 'maxRetries' | 'maxParallel' | 'retryOn';

/** The seed's provider settings, by its names: what a client and the CLI submit with. Every one has a default. */
export interface ProviderSettings {
  /** The task's Docker image (default node:20-slim). */
  ContainerImage?: string;
  /** -1 (lowest) to 1 (highest), default 0; mapped onto Batch job priority -1000…1000. */
  JobPriority?: number;
  /** The task's requiredSlots and the processor count it sees (default 1). */
  VCPUCount?: number;
  /** Seconds: the task's maxWallClockTime (no limit by default). */
  TimeConstraint?: number;
  /** Times Batch reruns a task that exits nonzero, 0 to 100 (default 0). */
  MaxRetries?: number;
  /** Arrays only: the most children running at once (no limit by default); `setMaxParallel` changes it while the array runs. */
  MaxParallel?: number;
  /** Exit codes and ranges that earn a rerun, at most MaxAttempts runs (default 3), BackoffSeconds apart (default 0). */
  RetryOn?: { ExitCodes: (number | { Start: number; End: number })[]; MaxAttempts?: number; BackoffSeconds?: number };
  /** Set in the task's environment. */
  EnvironmentVariables?: Record<string, string>;
}

const seedNames: Record<SettingName, keyof ProviderSettings> = {
  containerImage: 'ContainerImage',
  jobPriority: 'JobPriority',
  vcpuCount: 'VCPUCount',
  timeConstraint: 'TimeConstraint',
  environmentVariables: 'EnvironmentVariables',
  maxRetries: 'MaxRetries',
  maxParallel: 'MaxParallel',
  retryOn: 'RetryOn',
};
/** The provider settings' names, as the seed spells them. */
export const providerSettingNames: readonly (keyof ProviderSettings)[] = Object.values(seedNames);
const canonicalNames = Object.fromEntries(Object.entries(seedNames).map(([canonical, seed]) => [seed, canonical])) as Record<string, SettingName>;

// A Docker reference: [registry[:port]/]path[:tag][@digest], lowercase path components.
const imageReference =
  /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;
const environmentName = /^[A-Za-z_][A-Za-z0-9_]*$/;

const imageMessage = saying((got) => `ContainerImage must be a Docker image reference such as 'node:20-slim' or 'myregistry.azurecr.io/team/app:1.2'; got ${got}.`);
const priorityMessage = saying((got) => `JobPriority must be a number from -1 (lowest) to 1 (highest); got ${got}.`);
const vcpuMessage = saying((got) => `VCPUCount must be a whole number of at least 1; got ${got}.`);
const timeMessage = saying((got) => `TimeConstraint must be a positive number of seconds; got ${got}.`);
const retriesMessage = saying(
  (got) => `MaxRetries must be a whole number from 0 to ${maxMaxRetries} (times Batch reruns a task that exits nonzero); got ${got}.`,
);
const parallelMessage = saying(
  (got) => `MaxParallel must be a whole number from 1 to ${maxMaxParallel.toLocaleString('en')} (the most children of an array running at once); got ${got}.`,
);
const variablesMessage = saying((got) => `EnvironmentVariables must be an object of NAME → string value, such as { "MY_VAR": "1" }; got ${got}.`);
const variableValueMessage = saying((got) => `EnvironmentVariables: every value must be a string (quote numbers: "1"); got ${got}.`);

/** A variable name the task's environment takes (`EnvironmentVariables`, `--env NAME=VALUE`). */
export function environmentVariableNameProblem(name: string): string | undefined {
  if (environmentName.test(name)) return undefined;
  return `EnvironmentVariables: the name ${describeValue(name)} is not a variable name; use letters, digits and underscores, not starting with a digit (such as MY_VAR).`;
}

/** A ContainerImage's name before its tag and digest: Docker refuses one over 255 characters. */
const maxImageNameLength = 255;
function imageNameLength(image: string): number {
  const withoutDigest = image.split('@')[0];
  const tag = withoutDigest.lastIndexOf(':');
  return (tag > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, tag) : withoutDigest).length;
}

/** The provider settings as a workflow takes them (camelCase names); the client maps the seed's names onto these. */
export const jobSettingsSchema = z
  .strictObject(
    {
      containerImage: z
        .string(imageMessage)
        .refine((image) => imageNameLength(image) <= maxImageNameLength, {
          error: (issue) => `ContainerImage must name an image in at most ${maxImageNameLength} characters before its tag (Docker's limit); got one of ${imageNameLength(String(issue.input))}.`,
          abort: true,
        })
        .regex(imageReference, imageMessage)
        .default(defaultContainerImage).describe("ContainerImage: the task's Docker image."),
      jobPriority: z.number(priorityMessage).min(-1, priorityMessage).max(1, priorityMessage).default(0).describe('JobPriority: -1 (lowest) to 1 (highest), mapped onto Batch priority -1000…1000.'),
      vcpuCount: z.number(vcpuMessage).int(vcpuMessage).min(1, vcpuMessage).default(1).describe("VCPUCount: the task's requiredSlots and the processor count it sees."),
      timeConstraint: z.number(timeMessage).positive(timeMessage).optional().describe("TimeConstraint: seconds; the task's maxWallClockTime."),
      environmentVariables: z
        .record(z.string().regex(environmentName), z.string(variableValueMessage), {
          error: (issue) => (issue.code === 'invalid_key' ? environmentVariableNameProblem(String(issue.input)) : variablesMessage.error(issue)),
        })
        .default({})
        .describe("EnvironmentVariables: set in the task's environment."),
      maxRetries: z
        .number(retriesMessage)
        .int(retriesMessage)
        .min(0, retriesMessage)
        .max(maxMaxRetries, retriesMessage)
        .optional()
        .describe("MaxRetries: times Batch reruns a task that exits nonzero (the task's maxTaskRetryCount); 0 when absent."),
      maxParallel: z
        .number(parallelMessage)
        .int(parallelMessage)
        .min(1, parallelMessage)
        .max(maxMaxParallel, parallelMessage)
        .optional()
        .describe("MaxParallel (arrays only): the most children running at once (the Azure job's maxParallelTasks); no limit when absent. Changeable while the array runs (the setMaxParallel update)."),
      retryOn: retryOnSchema.optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `Unknown setting ${issue.keys.map((key) => `'${key}'`).join(', ')}. Known settings (camelCase): ${Object.keys(seedNames).join(', ')}.` : 'settings must be an object of provider settings.') },
  )
  .describe('Provider settings; every one has a default.');

/** The seed's name of a canonical setting, for messages. */
function seedNameOf(canonical: string): string {
  return seedNames[canonical as SettingName] ?? canonical;
}

/**
 * Checks provider settings given by the seed's names (the client's and the
 * CLI's way in) against jobSettingsSchema; the first problem is thrown as an
 * InvalidSettingError naming the setting and what is allowed.
 */
export function validateSettings(raw: ProviderSettings | null = {}): JobSettings {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidSettingError('settings', `settings must be an object such as { VCPUCount: 2 }; got ${describeValue(raw)}.`);
  }
  const given: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw) as [string, unknown][]) {
    const canonical = Object.hasOwn(canonicalNames, name) ? canonicalNames[name] : undefined;
    if (!canonical) {
      const suggestion = closestName(name, Object.values(seedNames));
      throw new InvalidSettingError(
        name,
        `Unknown setting '${name}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''} ` +
          `Known settings: ${Object.values(seedNames).join(', ')}.`,
      );
    }
    if (value !== undefined) given[canonical] = canonical === 'retryOn' ? camelRetryOn(value) : value;
  }
  const parsed = jobSettingsSchema.safeParse(given);
  if (parsed.success) {
    const { maxRetries, ...rest } = parsed.data;
    return maxRetries ? { ...rest, maxRetries } : rest;
  }
  const issue = parsed.error.issues[0];
  throw new InvalidSettingError(seedNameOf(String(issue.path[0] ?? 'settings')), issue.message);
}

/** JobPriority [-1, 1] → Batch job priority [-1000, 1000]. */
export function batchPriority(jobPriority: number): number {
  return Math.round(jobPriority * 1000);
}

export type StateSettings = Pick<JobSettings, 'containerImage' | 'jobPriority' | 'vcpuCount' | 'timeConstraint' | 'maxRetries' | 'maxParallel' | 'retryOn'>;

/** The settings a job's state shows (ProviderSettings); environment variable values stay out of it. */
export function stateSettings(settings: JobSettings): StateSettings {
  const { containerImage, jobPriority, vcpuCount, timeConstraint, maxRetries, maxParallel, retryOn } = settings;
  return {
    containerImage,
    jobPriority,
    vcpuCount,
    ...(timeConstraint !== undefined ? { timeConstraint } : {}),
    ...(maxRetries ? { maxRetries } : {}),
    ...(maxParallel !== undefined ? { maxParallel } : {}),
    ...(retryOn !== undefined ? { retryOn } : {}),
  };
}

/** A job's ProviderSettings property, in the seed's names: those it was given or defaulted, never environment variable values. */
export function providerSettings(settings: StateSettings): {
  ContainerImage: string;
  JobPriority: number;
  VCPUCount: number;
  TimeConstraint?: number;
  MaxRetries?: number;
  MaxParallel?: number;
  RetryOn?: ReturnType<typeof seedRetryOn>;
} {
  return {
    ContainerImage: settings.containerImage,
    JobPriority: settings.jobPriority,
    VCPUCount: settings.vcpuCount,
    ...(settings.timeConstraint !== undefined ? { TimeConstraint: settings.timeConstraint } : {}),
    ...(settings.maxRetries ? { MaxRetries: settings.maxRetries } : {}),
    ...(settings.maxParallel !== undefined ? { MaxParallel: settings.maxParallel } : {}),
    ...(settings.retryOn !== undefined ? { RetryOn: seedRetryOn(settings.retryOn as RetryRule) } : {}),
  };
}

/** Why a MaxParallel value cannot be set on a running array (the setMaxParallel update and the client check it alike), or undefined. */
export function maxParallelProblem(value: unknown): string | undefined {
  if (value === null || (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= maxMaxParallel)) return undefined;
  return `MaxParallel must be a whole number from 1 to ${maxMaxParallel.toLocaleString('en')} (the most children running at once), or null for no limit; got ${describeValue(value)}.`;
}
