/**
 * The state documents the workflows return, answer the `state` query with and
 * keep in their memo, as zod schemas: `schema/<type>.state.json` is generated
 * from them (`npm run schemas`), and the tests hold every state a recorded run
 * wrote to them. Pure: zod only.
 */
import { z } from 'zod';
import { singleJobTaskId } from './conventions';
import { arrayResultsBlob } from './arrayResults';
import { jobDependenciesSchema, type JobDependencies } from './dependencies';
import { deliverySchema } from './notifications';
import { retryOnSchema } from './retryRules';
import { stateSettings } from './settings';
import type { CheckedArrayJobInput, CheckedSingleJobInput } from './workflowInputs';
import { childCountOf } from './arrayJob';
import { arrayJobStatuses, singleJobStatuses } from './status';

const time = z.iso.datetime({ offset: true });
const count = z.number().int().min(0);

const stateSettingsSchema = z
  .strictObject({
    containerImage: z.string(),
    jobPriority: z.number(),
    vcpuCount: z.number().int(),
    timeConstraint: z.number().optional(),
    maxRetries: z.number().int().optional(),
    maxParallel: z.number().int().optional().describe("An array's MaxParallel as it is now (setMaxParallel changes it while the array runs)."),
    retryOn: retryOnSchema.optional(),
  })
  .describe('The provider settings the job runs with (ProviderSettings); environment variables are left out.');

const runFields = {
  submittedAt: time.describe("When the client submitted the job (the workflow's start time when its input had none)."),
  startedAt: time.optional(),
  completedAt: time.optional(),
  retryUntil: time
    .optional()
    .describe(
      'Set when the run closed with failures: until then the Azure job stays active and a retry can rerun what failed.',
    ),
  previousRunId: z.string().optional().describe('The run this one retried (same workflow id).'),
  inputNames: z.array(z.string()).describe("The files placed in the task's working directory."),
  settings: stateSettingsSchema,
  name: z.string().optional().describe("The job's name, as submitted (RemoteBatchName)."),
  labels: z.record(z.string(), z.string()).optional().describe("The job's labels, as submitted (RemoteBatchLabels)."),
  after: jobDependenciesSchema.optional().describe('The jobs it waited for, and on what condition, as submitted.'),
  notifications: z.array(deliverySchema).optional().describe('Each notification sent (notify), oldest first, once it was delivered or given up.'),
};

/** The name, labels and dependencies a job was submitted with, as its state keeps them (each absent when it has none). */
function asSubmitted(input: { name?: string; labels?: Record<string, string>; after?: JobDependencies }): { name?: string; labels?: Record<string, string>; after?: JobDependencies } {
  return {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.labels && Object.keys(input.labels).length > 0 ? { labels: input.labels } : {}),
    ...(input.after !== undefined ? { after: input.after } : {}),
  };
}

const stateDescription = (type: string) =>
  `The ${type} workflow's result when it completes (the details of its \`RemoteBatchJobFailed\` failure when it fails, of its cancellation when cancelled), ` +
  'the answer of its `state` query and of its `abortJob` update, and its memo field `state`.';

export const singleJobStateSchema = z
  .strictObject({
    jobId: z.string().describe('ProviderJobID: the Azure job id; its blobs are in container job-<jobId>.'),
    taskId: z.literal(singleJobTaskId).describe('ProviderTaskID'),
    poolId: z.string(),
    status: z.enum(singleJobStatuses),
    statusReason: z.string().optional(),
    exitCode: z.number().int().optional(),
    hasResult: z.boolean().optional().describe(`Whether <taskId>/$TaskOutput/result.json exists in container job-<jobId>.`),
    ...runFields,
    attempts: z
      .array(
        z.strictObject({
          runId: z.string(),
          status: z.enum(singleJobStatuses),
          statusReason: z.string().optional(),
          exitCode: z.number().int().optional(),
          startedAt: time.optional(),
          completedAt: time.optional(),
        }),
      )
      .describe('How every earlier run (attempt) of this job ended, oldest first; empty on a first run.'),
  })
  .meta({ title: 'singleJob state', description: stateDescription('singleJob') });

export const arrayJobStateSchema = z
  .strictObject({
    jobId: z.string().describe('ProviderJobID: the Azure job id; its blobs are in container job-<jobId>.'),
    poolId: z.string(),
    status: z.enum(arrayJobStatuses),
    statusReason: z.string().optional(),
    childCount: count,
    elementCount: count,
    spanSize: count.min(1),
    added: count.describe('Children whose tasks Batch has accepted.'),
    counts: z.strictObject({ active: count, running: count, succeeded: count, failed: count }).describe('Children by status.'),
    cursor: z.string().optional().describe('How far the workflow has read task state changes (internal).'),
    rerunsDueAt: time.optional().describe('When the first child waiting for a rerun (an infrastructure failure, RetryOn) is sent back to Batch (internal).'),
    abortReason: z.string().optional(),
    retries: count.describe('Times failed children were rerun.'),
    closed: z.boolean().describe('The workflow run has ended. The Azure job has ended too, unless retryUntil is set and not passed.'),
    ...runFields,
    attempts: z
      .array(
        z.strictObject({
          runId: z.string(),
          succeeded: count,
          failed: count,
          statusReason: z.string().optional(),
          completedAt: time.optional(),
        }),
      )
      .describe('How every earlier run (attempt) of this array ended, oldest first; empty on a first run.'),
  })
  .meta({
    title: 'arrayJob state',
    description: `${stateDescription('arrayJob')} Once it has ended, every child's outcome is in the blob \`${arrayResultsBlob}\` of the job's container (schema/arrayJob.results.json).`,
  });

/** The JSON Schema documents of the states, by file name under schema/. */
export function jobStateSchemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [type, schema] of Object.entries({ singleJob: singleJobStateSchema, arrayJob: arrayJobStateSchema })) {
    const { $schema, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' });
    files[`${type}.state.json`] = `${JSON.stringify({ $schema, $id: `remote-batch/${type}.state.json`, ...rest }, null, 2)}\n`;
  }
  return files;
}

export type SingleJobState = z.output<typeof singleJobStateSchema>;
export type ArrayJobState = z.output<typeof arrayJobStateSchema>;
export type StateSettings = SingleJobState['settings'];
export type ChildCounts = ArrayJobState['counts'];
export type SingleAttempt = SingleJobState['attempts'][number];
export type ArrayAttempt = ArrayJobState['attempts'][number];

/** A single job's state before anything ran: where its workflow starts, and what readers show until it has written its memo. */
export function initialSingleJobState(input: CheckedSingleJobInput, jobId: string, submittedAt: string): SingleJobState {
  return {
    jobId,
    taskId: singleJobTaskId,
    poolId: input.environment.poolId,
    status: 'Active',
    submittedAt,
    inputNames: input.inputs.map((file) => file.name),
    settings: stateSettings(input.settings),
    ...asSubmitted(input),
    attempts: [],
  };
}

/** An array's state before anything ran. */
export function initialArrayJobState(input: CheckedArrayJobInput, jobId: string, submittedAt: string): ArrayJobState {
  const childCount = childCountOf(input.elementCount, input.spanSize);
  return {
    jobId,
    poolId: input.environment.poolId,
    status: 'Active',
    childCount,
    elementCount: input.elementCount,
    spanSize: input.spanSize,
    added: 0,
    counts: { active: childCount, running: 0, succeeded: 0, failed: 0 },
    submittedAt,
    retries: 0,
    closed: false,
    inputNames: input.inputs.map((file) => file.name),
    settings: stateSettings(input.settings),
    ...asSubmitted(input),
    attempts: [],
  };
}
