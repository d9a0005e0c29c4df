/**
 * The JSON each workflow takes, as zod schemas: the one definition the client
 * checks its input against before anything is created, the workflows check
 * what any-language callers send, and `schema/*.input.json` is generated from
 * (`npm run schemas`). Pure: zod only, safe in the workflow sandbox.
 */
import { z } from 'zod';
import { maxArrayChildren, maxArrayElements } from './arrayJob';
import { unclosedQuoteProblem } from './commandLine';
import { jobIdRule, jobIdPattern } from './conventions';
import { InvalidSettingError } from './errors';
import { toStrictJson } from './json';
import { jobLabelsSchema, jobNameSchema } from './labels';
import { isValidExportName } from './scriptJob';
import { jobDependenciesSchema } from './dependencies';
import { notifySchema } from './notifications';
import { describeValue, saying } from './describe';
import { jobSettingsSchema } from './settings';

/**
 * A job's arguments travel inside its workflow input, and Temporal refuses a
 * payload over 2 MB only after the client has tried for a long while; larger
 * data belongs in an input file.
 */
export const maxArgsBytes = 256 * 1024;

const batchIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

export const jobIdSchema = z
  .string({ error: `jobId must be a string: ${jobIdRule}` })
  .regex(jobIdPattern, { error: (issue) => `jobId ${describeValue(issue.input)} is not a valid job id: ${jobIdRule}` })
  .describe(`The Azure job id, also naming its blob container job-<jobId>; defaults to the workflow id. ${jobIdRule}`);

const environmentRefSchema = z
  .object(
    {
      poolId: z
        .string({ error: 'PoolID is required: environment.poolId must be the id of an Azure Batch pool.' })
        .regex(batchIdPattern, { error: (issue) => `PoolID ${describeValue(issue.input)} is not a valid Batch pool id (1 to 64 letters, digits, hyphens, underscores).` })
        .describe("The seed's PoolID."),
      connection: z
        .string({ error: 'environment.connection must name a connection the worker knows (e.g. "local").' })
        .min(1, { error: 'environment.connection must name a connection the worker knows (e.g. "local").' })
        .describe('Name of a connection the worker knows (the local stack\'s is "local"). Never credentials.'),
    },
    { error: 'environment must be { poolId, connection }.' },
  )
  .describe('Where the job runs.');

/** Arguments must survive JSON as they are, and fit in a workflow input. */
const jobArgsSchema = z
  .array(z.unknown(), { error: 'args must be an array of JSON values.' })
  .superRefine((args, context) => {
    let json: string;
    try {
      json = toStrictJson(args, 'args', { exact: true });
    } catch (error) {
      context.addIssue({ code: 'custom', message: `${(error as Error).message}; a job's arguments must be JSON values.` });
      return;
    }
    const bytes = new TextEncoder().encode(json).length;
    if (bytes > maxArgsBytes) {
      context.addIssue({
        code: 'custom',
        message:
          `args are ${(bytes / 1024).toFixed(0)} KiB as JSON; a job's arguments travel in its workflow input and may be at most ` +
          `${maxArgsBytes / 1024} KiB. Pass larger data as an input file (inputFiles, or --input) and read it in the job.`,
      });
    }
  })
  .describe(`The script's arguments, JSON; at most ${maxArgsBytes / 1024} KiB together.`);

const commandBodySchema = z.object({
  kind: z.literal('command'),
  commandLine: z
    .string({ error: 'body.commandLine must be a non-empty command line.' })
    .refine((line) => line.trim() !== '', { error: 'body.commandLine must be a non-empty command line.' })
    .superRefine((line, context) => {
      const problem = unclosedQuoteProblem(line, 'body.commandLine');
      if (problem) context.addIssue({ code: 'custom', message: problem });
    })
    .describe('Run without a shell, as Batch does; use /bin/sh -c "..." for one.'),
});

const bundleBlobMessage = saying((got) => `body.bundleBlob must name the blob in the job's container that holds the bundled script; got ${got}.`);
const exportNameMessage = saying((got) => `exportName must be a JavaScript identifier, the name of the export called; got ${got}.`);

const scriptBodySchema = z.object({
  kind: z.literal('script'),
  bundleBlob: z
    .string(bundleBlobMessage)
    .min(1, bundleBlobMessage)
    .describe("Blob (in the job's container) holding the bundled module; the TypeScript client uploads it."),
  exportName: z
    .string(exportNameMessage)
    .refine(isValidExportName, exportNameMessage)
    .optional()
    .describe('The export called; default "default".'),
  args: jobArgsSchema,
});

const jobBodySchema = z.discriminatedUnion('kind', [commandBodySchema, scriptBodySchema], {
  error: "body.kind must be 'script' or 'command'.",
});

const inputNameSchema = z
  .string()
  .regex(/^[^/\\]+$/, { error: (issue) => `inputs: the file name ${describeValue(issue.input)} must be a plain name, without a folder.` })
  .refine((name) => name !== '.' && name !== '..', { error: 'inputs: a file name cannot be "." or "..".' });

const jobInputFileSchema = z.union(
  [
    z.object({ name: inputNameSchema, content: z.string().describe('Small text, uploaded by the workflow.') }),
    z.object({ name: inputNameSchema, blob: z.string().min(1).describe("A blob already in the job's container.") }),
  ],
  saying((got) => `inputs: each file must be { name, content } (small text) or { name, blob } (a blob already in the job's container); got ${got}.`),
);

const commonInputFields = {
  jobId: jobIdSchema.optional(),
  environment: environmentRefSchema,
  body: jobBodySchema,
  settings: jobSettingsSchema.default(jobSettingsSchema.parse({})),
  inputs: z
    .array(jobInputFileSchema, saying((got) => `inputs must be a list of files, each { name, content } or { name, blob }; got ${got}.`))
    .default([])
    .describe("Files placed in the working directory: small text inline, or blobs already in the job's container."),
  submittedAt: z.iso
    .datetime({ offset: true, ...saying((got) => `submittedAt must be an ISO 8601 time such as 2026-12-02T09:40:53.671Z; got ${got}.`) })
    .optional().describe('When the client submitted it; the workflow start time when absent.'),
  name: jobNameSchema.optional(),
  labels: jobLabelsSchema.optional(),
  after: jobDependenciesSchema.optional(),
  notify: notifySchema.optional(),
};

const retryWindowMessage = saying((got) => `retryWindowSeconds must be a number of seconds, 0 or more; got ${got}.`);
const retryWindowSecondsSchema = z
  .number(retryWindowMessage)
  .min(0, retryWindowMessage)
  .optional()
  .describe('How long a job that ended with failures keeps its Azure job open for a retry; default 86400.');

/** What a workflow says to input that is not a JSON object at all. */
const oneObject = (type: string) => saying((got) => `The ${type} workflow takes one JSON object (schema/${type}.input.json); got ${got}.`);

export const singleJobInputSchema = z
  .object({ ...commonInputFields, retryWindowSeconds: retryWindowSecondsSchema }, oneObject('singleJob'))
  .superRefine((input, context) => {
    if (input.settings.maxParallel !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['settings', 'maxParallel'],
        message: 'MaxParallel applies to array jobs (the most children running at once); a single job runs one task. Leave it out.',
      });
    }
  })
  .meta({
    title: 'singleJob workflow input',
    description:
      'The one argument of the `singleJob` workflow on task queue `remote-batch`. Start it from any Temporal client; the workflow id becomes the Azure job id unless jobId is given.',
  });

const elementCountMessage = saying(
  (got) => `elementCount must be a whole number from 1 to ${maxArrayElements.toLocaleString('en')}, the number of elements; got ${got}.`,
);
const spanSizeMessage = saying((got) => `spanSize must be a whole number of elements per child, at least 1; got ${got}.`);
const turnsMessage = saying((got) => `turnsPerRun must be a whole number, at least 1; got ${got}.`);

export const arrayJobInputSchema = z
  .object(
    {
      ...commonInputFields,
      elementCount: z.number(elementCountMessage).int(elementCountMessage).min(1, elementCountMessage).max(maxArrayElements, elementCountMessage).describe('The number of elements.'),
      spanSize: z
        .number(spanSizeMessage)
        .int(spanSizeMessage)
        .min(1, spanSizeMessage)
        .default(1)
        .describe('Elements per child.'),
      retryWindowSeconds: retryWindowSecondsSchema,
      turnsPerRun: z.number(turnsMessage).int(turnsMessage).min(1, turnsMessage).optional().describe('Loop turns per run before continue-as-new; default 150.'),
    },
    oneObject('arrayJob'),
  )
  .superRefine((input, context) => {
    const children = Math.ceil(input.elementCount / input.spanSize);
    if (children > maxArrayChildren) {
      context.addIssue({
        code: 'custom',
        path: ['spanSize'],
        message:
          `${input.elementCount.toLocaleString('en')} elements in spans of ${input.spanSize} make ${children.toLocaleString('en')} children; ` +
          `an array job has at most ${maxArrayChildren.toLocaleString('en')}. Use spanSize ${Math.ceil(input.elementCount / maxArrayChildren)} or more.`,
      });
    }
  })
  .meta({
    title: 'arrayJob workflow input',
    description:
      'The first argument of the `arrayJob` workflow on task queue `remote-batch`. Elements are not part of it: they are JSON-lines blobs ' +
      "`inputs/elements/<6-digit chunk>.jsonl` in the job's container (chunk k holds children max(1,1000k) … 1000k+999, one line per child: " +
      "its element, or its span's elements as a JSON array), uploaded before the workflow starts.",
  });

/** A retry: a new run under the same workflow id, over the Azure job the previous run left open. */
export const retryInputSchema = z
  .object({
    retry: z
      .object(
        {
          previousRunId: z
            .string({ error: 'retry.previousRunId must be the run id of the run that closed with failures.' })
            .min(1, { error: 'retry.previousRunId must be the run id of the run that closed with failures.' })
            .describe('The run (of this same workflow id) that closed with failures; the workflow reads the job\'s input and final state from it.'),
        },
        saying((got) => `retry must be { previousRunId }, naming the run that closed with failures; got ${got}.`),
      )
      .describe('Rerun only what failed, within the retry window; every other field is the retried run\'s.'),
  })
  .meta({ title: 'retry', description: 'Start it under the same workflow id as the run it retries.' });

/** Each workflow's input schema by workflow type: `schema/<type>.input.json` is generated from it. */
const workflowInputSchemas = {
  singleJob: z.union([singleJobInputSchema, retryInputSchema]).meta(singleJobInputSchema.meta() ?? {}),
  arrayJob: z.union([arrayJobInputSchema, retryInputSchema]).meta(arrayJobInputSchema.meta() ?? {}),
} as const;

/** The JSON Schema documents under schema/, by file name, as `npm run schemas` writes them. */
export function workflowInputSchemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [type, schema] of Object.entries(workflowInputSchemas)) {
    const { $schema, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
    const document = { $schema, $id: `remote-batch/${type}.input.json`, ...rest };
    files[`${type}.input.json`] = `${JSON.stringify(document, null, 2)}\n`;
  }
  return files;
}

/** The field an issue is about, as a dotted path (`settings.jobPriority`, `body.args`). */
function fieldOf(path: readonly PropertyKey[]): string {
  return path.map((part) => String(part)).join('.') || 'input';
}

/**
 * Parses a workflow input; the first problem becomes an InvalidSettingError
 * naming the field and what is allowed.
 */
export function parseWorkflowInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = fieldOf(issue.path);
  const lastName = String([...issue.path].reverse().find((part) => typeof part === 'string') ?? '');
  const named = issue.message.toLowerCase().includes(lastName.toLowerCase());
  throw new InvalidSettingError(field, named ? issue.message : `${field}: ${issue.message}`);
}

/** What a caller sends to start a single job (defaults may be left out). */
export type SingleJobInput = z.input<typeof singleJobInputSchema>;
/** A single job's input as the workflow works with it: checked, defaults filled in. */
export type CheckedSingleJobInput = z.output<typeof singleJobInputSchema>;
export type ArrayJobInput = z.input<typeof arrayJobInputSchema>;
export type CheckedArrayJobInput = z.output<typeof arrayJobInputSchema>;
export type RetryInput = z.output<typeof retryInputSchema>;
export type EnvironmentRef = z.output<typeof environmentRefSchema>;
export type JobBody = z.output<typeof jobBodySchema>;
export type JobInputFile = z.output<typeof jobInputFileSchema>;
