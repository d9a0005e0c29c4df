/**
 * RetryOn: exit codes that earn a task a rerun, as many as MaxAttempts runs,
 * BackoffSeconds apart. Beside MaxRetries (any nonzero exit, rerun by Batch
 * itself): this one is decided by the settlement policy (src/model/settlement.ts),
 * so an exit code outside the list fails the task at once. Pure: zod only.
 */
import { z } from 'zod';
import { describeValue, saying } from './describe';

/** Exit codes a Linux task ends with: 1 to 255 (128 + n for signal n: 137 SIGKILL, out of memory; 143 SIGTERM). */
const minRetryExitCode = 1;
const maxRetryExitCode = 255;
const maxRetryOnAttempts = 100;
const maxRetryOnBackoffSeconds = 3600;

const codeRule = `exit codes are whole numbers from ${minRetryExitCode} to ${maxRetryExitCode}`;
const codeMessage = saying((got) => `RetryOn.ExitCodes: ${got} is not an exit code; ${codeRule}, or ranges { start, end } within them.`);
const exitCode = z.number(codeMessage).int(codeMessage).min(minRetryExitCode, codeMessage).max(maxRetryExitCode, codeMessage);

const rangeSchema = z
  .strictObject({ start: exitCode, end: exitCode }, saying((got) => `RetryOn.ExitCodes: ${got} is neither an exit code nor a range { start, end }; ${codeRule}.`))
  .refine((range) => range.start <= range.end, { error: (issue) => `RetryOn.ExitCodes: the range ${describeValue(issue.input)} ends before it starts.` });

const attemptsMessage = saying((got) => `RetryOn.MaxAttempts must be a whole number from 2 to ${maxRetryOnAttempts} (runs of the task, the first included); got ${got}.`);
const backoffMessage = saying((got) => `RetryOn.BackoffSeconds must be a number of seconds from 0 to ${maxRetryOnBackoffSeconds}; got ${got}.`);

export const retryOnSchema = z
  .strictObject(
    {
      exitCodes: z
        .array(z.union([exitCode, rangeSchema], codeMessage), saying((got) => `RetryOn.ExitCodes must be a list of exit codes and ranges { start, end }; got ${got}.`))
        .min(1, { error: 'RetryOn.ExitCodes must name at least one exit code.' })
        .describe(`Exit codes (${minRetryExitCode} to ${maxRetryExitCode}) and ranges { start, end } (inclusive) that earn a rerun.`),
      maxAttempts: z
        .number(attemptsMessage)
        .int(attemptsMessage)
        .min(2, attemptsMessage)
        .max(maxRetryOnAttempts, attemptsMessage)
        .default(3)
        .describe('The most runs of a task RetryOn allows, the first included; default 3. Requeues (preemptions) and infrastructure reruns do not count.'),
      backoffSeconds: z
        .number(backoffMessage)
        .min(0, backoffMessage)
        .max(maxRetryOnBackoffSeconds, backoffMessage)
        .default(0)
        .describe('Seconds between a run that ended with one of the codes and the rerun; default 0.'),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `RetryOn has no ${issue.keys.map((key) => `'${key}'`).join(', ')}; it takes ExitCodes, MaxAttempts and BackoffSeconds.`
          : `RetryOn must be { ExitCodes, MaxAttempts?, BackoffSeconds? }; got ${describeValue(issue.input)}.`,
    },
  )
  .describe('RetryOn: exit codes that earn a rerun, decided by remote-batch (not Batch).');

export type RetryRule = z.output<typeof retryOnSchema>;

/** Whether `exitCode` is one of the rule's codes. */
export function retryOnCovers(rule: RetryRule, exitCode: number | undefined): boolean {
  if (exitCode === undefined) return false;
  return rule.exitCodes.some((code) => (typeof code === 'number' ? code === exitCode : code.start <= exitCode && exitCode <= code.end));
}

const seedKeys: Record<string, string> = { ExitCodes: 'exitCodes', MaxAttempts: 'maxAttempts', BackoffSeconds: 'backoffSeconds', Start: 'start', End: 'end' };

/** The rule as a client may give it, in the seed's spelling (`{ ExitCodes: [137, { Start, End }] }`), in camelCase. */
export function camelRetryOn(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const renamed = Object.fromEntries(Object.entries(value).map(([key, item]) => [seedKeys[key] ?? key, item]));
  if (Array.isArray(renamed.exitCodes)) {
    renamed.exitCodes = renamed.exitCodes.map((code: unknown) =>
      code !== null && typeof code === 'object' && !Array.isArray(code) ? Object.fromEntries(Object.entries(code).map(([key, item]) => [seedKeys[key] ?? key, item])) : code,
    );
  }
  return renamed;
}

/** The rule in the seed's spelling, as ProviderSettings shows it. */
export function seedRetryOn(rule: RetryRule): { ExitCodes: (number | { Start: number; End: number })[]; MaxAttempts: number; BackoffSeconds: number } {
  return {
    ExitCodes: rule.exitCodes.map((code) => (typeof code === 'number' ? code : { Start: code.start, End: code.end })),
    MaxAttempts: rule.maxAttempts,
    BackoffSeconds: rule.backoffSeconds,
  };
}
