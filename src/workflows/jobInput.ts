import { ApplicationFailure, patched, workflowInfo } from '@temporalio/workflow';
import type { z } from 'zod';
import type { PreviousRun } from '../activities/workflowHistory';
import { jobIdRule } from '../model/conventions';
import { retryRefusedType } from '../model/retry';
import { describeValue, type JobSettings, validateSettings } from '../model/settings';
import { type arrayJobInputSchema, jobIdSchema, parseWorkflowInput, retryInputSchema, type singleJobInputSchema } from '../model/workflowInputs';

/** New jobs' inputs are checked by the schemas; runs started before replay without that check. */
const checkedBySchemaPatch = 'input-checked-by-schema';

type JobInputSchema = typeof singleJobInputSchema | typeof arrayJobInputSchema;

/** A job's input as a run works with it: the schema's output, with a submission time always. */
export type CheckedInput<S extends JobInputSchema> = z.output<S> & { submittedAt: string };

export interface StartingInput<S extends JobInputSchema> {
  input: CheckedInput<S>;
  /** The Azure job id: `jobId`, or the workflow id when the input has none. */
  jobId: string;
  settings: JobSettings;
  /** A retry's: the run it retries (`runId`), with the job's input and that run's final state. */
  previous?: PreviousRun & { runId: string };
}

/** Input the workflow refuses: it fails at once, naming the field, and nothing is created. */
export function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: 'InvalidInput', nonRetryable: true });
}

function refusing<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw invalid((error as Error).message);
  }
}

function isRetry(given: unknown): given is { retry: unknown } {
  return typeof given === 'object' && given !== null && 'retry' in given;
}

/**
 * What a run starts from. A new job's input is checked against its workflow's
 * schema (src/model/workflowInputs.ts, the one the client and the CLI check
 * against); a retry's `{ retry }` against the retry schema, the job's own input
 * being read from the run it retries; a continuation carries its first run's.
 * Input a first run accepted is never checked again (a job keeps the id and
 * arguments it was started with).
 */
export async function startingInput<S extends JobInputSchema>(
  schema: S,
  given: unknown,
  options: { continued: boolean; previousRun: (previousRunId: string) => Promise<PreviousRun> },
): Promise<StartingInput<S>> {
  if (options.continued) return resumedInput<S>(given);
  const bySchema = patched(checkedBySchemaPatch);
  if (isRetry(given)) {
    const { retry } = bySchema ? refusing(() => parseWorkflowInput(retryInputSchema, given)) : (given as { retry: { previousRunId: string } });
    const previous = await options.previousRun(retry.previousRunId);
    // The reconciler's closing run of a job, say, took no job input and left no Azure job to rerun.
    if (previous.workflowType !== undefined && previous.workflowType !== workflowInfo().workflowType) {
      throw ApplicationFailure.create({
        type: retryRefusedType,
        nonRetryable: true,
        message: `retry.previousRunId: run ${retry.previousRunId} is a ${previous.workflowType} run, not a ${workflowInfo().workflowType} run; only a run of the job itself can be retried.`,
      });
    }
    return { ...resumedInput<S>(previous.input), previous: { ...previous, runId: retry.previousRunId } };
  }
  if (!bySchema) return handCheckedInput<S>(given);

  const input = refusing(() => parseWorkflowInput<JobInputSchema>(schema, given));
  const jobId = input.jobId ?? workflowInfo().workflowId;
  // A given jobId passed the schema; the workflow id standing in for one is held to the same rule.
  if (input.jobId === undefined) holdToIdRule(jobId, true);
  // Workflow time: the first workflow task's start, moments after the workflow's.
  const submittedAt = input.submittedAt ?? new Date().toISOString();
  return { input: { ...input, submittedAt } as CheckedInput<S>, jobId, settings: input.settings };
}

/** Input a first run accepted: only its Azure job id and full settings are worked out again. */
function resumedInput<S extends JobInputSchema>(accepted: unknown): StartingInput<S> {
  const input = accepted as CheckedInput<S>;
  if (!Array.isArray(input.inputs)) input.inputs = [];
  const jobId = input.jobId ?? workflowInfo().workflowId;
  const settings = refusing(() => validateSettings((input.settings ?? {}) as unknown as Record<string, unknown>));
  return { input, jobId, settings };
}

/**
 * A first run started before the schema check, replayed: it passed the checks
 * of its day (a run that failed them ended at once), so only the id rule, whose
 * own patch tells whether the run was held to it, is applied again.
 */
function handCheckedInput<S extends JobInputSchema>(given: unknown): StartingInput<S> {
  const started = resumedInput<S>(given);
  if (patched('job-id-names-its-container')) holdToIdRule(started.jobId, started.input.jobId === undefined);
  return started;
}

/** The rule that makes `job-<id>` the job's container (jobIdSchema), for an id the input gave or the workflow id. */
function holdToIdRule(jobId: string, isWorkflowId: boolean): void {
  if (jobIdSchema.safeParse(jobId).success) return;
  const named = isWorkflowId ? `The input has no jobId, so the workflow id ${describeValue(jobId)} would be the job id, and it` : `jobId ${describeValue(jobId)}`;
  throw invalid(`${named} is not a valid job id: ${jobIdRule}${isWorkflowId ? ' Pass a jobId that is.' : ''}`);
}
