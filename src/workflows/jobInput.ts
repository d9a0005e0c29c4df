import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import type { z } from 'zod';
import { jobIdRule } from '../model/conventions';
import type { PreviousRun } from '../model/previousRun';
import type { ArrayJobState, SingleJobState } from '../model/jobStates';
import { retryRefusal, retryRefusedType } from '../model/retry';
import { describeValue } from '../model/describe';
import { type arrayJobInputSchema, jobIdSchema, parseWorkflowInput, retryInputSchema, type singleJobInputSchema } from '../model/workflowInputs';

type JobInputSchema = typeof singleJobInputSchema | typeof arrayJobInputSchema;

export interface StartingInput<S extends JobInputSchema> {
  /** The job's input, checked and with its defaults filled in. */
  input: z.output<S>;
  /** The Azure job id: `jobId`, or the workflow id when the input has none. */
  jobId: string;
  /** When the client submitted it, or the first run's start. */
  submittedAt: string;
  /** A retry's: the run it retries (`runId`), with the job's input and that run's final state. */
  previous?: PreviousRun & { runId: string };
}

/** Input the workflow refuses: it fails at once, naming the field, and nothing is created. */
function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: 'InvalidInput', nonRetryable: true });
}

function parsed<S extends z.ZodType>(schema: S, given: unknown): z.output<S> {
  try {
    return parseWorkflowInput(schema, given);
  } catch (error) {
    throw invalid((error as Error).message);
  }
}

function isRetry(given: unknown): given is { retry: unknown } {
  return typeof given === 'object' && given !== null && 'retry' in given;
}

/** The rule that makes `job-<id>` the job's container, for the workflow id standing in for a jobId. */
function holdWorkflowIdToIdRule(jobId: string): void {
  if (jobIdSchema.safeParse(jobId).success) return;
  throw invalid(`The input has no jobId, so the workflow id ${describeValue(jobId)} would be the job id, and it is not a valid job id: ${jobIdRule} Pass a jobId that is.`);
}

function checked<S extends JobInputSchema>(schema: S, given: unknown): Omit<StartingInput<S>, 'previous'> {
  const input = parsed(schema, given) as z.output<JobInputSchema> & z.output<S>;
  const jobId = input.jobId ?? workflowInfo().workflowId;
  if (input.jobId === undefined) holdWorkflowIdToIdRule(jobId);
  // Workflow time: the first workflow task's start, moments after the workflow's.
  return { input, jobId, submittedAt: input.submittedAt ?? new Date().toISOString() };
}

/**
 * The client's rule, held here too for any-language callers: a run can be retried
 * while its retry window is open and only if something failed. Its Azure job may
 * still be active after the window (the reconciler ends it on its next pass).
 */
function refuseClosedRetry(state: SingleJobState | ArrayJobState | undefined, previousRunId: string): void {
  const failed = state !== undefined && ('counts' in state ? state.counts.failed > 0 : state.status === 'Failed');
  const refusal = state ? retryRefusal(state, new Date(), failed) : `retry.previousRunId: run ${previousRunId} recorded no job state to retry.`;
  if (refusal) throw ApplicationFailure.create({ type: retryRefusedType, nonRetryable: true, message: refusal });
}

/**
 * What a run starts from. A new job's input is checked against its workflow's
 * schema (src/model/workflowInputs.ts, the one the client and the CLI check
 * against); a retry's `{ retry }` against the retry schema, the job's own
 * input being read from the run it retries; a continuation carries its first
 * run's input, already checked.
 */
export async function startingInput<S extends JobInputSchema>(
  schema: S,
  given: unknown,
  previousRun: (previousRunId: string) => Promise<PreviousRun>,
): Promise<StartingInput<S>> {
  if (!isRetry(given)) return checked(schema, given);
  const { retry } = parsed(retryInputSchema, given);
  const previous = await previousRun(retry.previousRunId);
  // The reconciler's closing run of a job, say, took no job input and left no Azure job to rerun.
  if (previous.workflowType !== undefined && previous.workflowType !== workflowInfo().workflowType) {
    throw ApplicationFailure.create({
      type: retryRefusedType,
      nonRetryable: true,
      message: `retry.previousRunId: run ${retry.previousRunId} is a ${previous.workflowType} run, not a ${workflowInfo().workflowType} run; only a run of the job itself can be retried.`,
    });
  }
  refuseClosedRetry(previous.state as SingleJobState | ArrayJobState | undefined, retry.previousRunId);
  return { ...checked(schema, previous.input), previous: { ...previous, runId: retry.previousRunId } };
}
