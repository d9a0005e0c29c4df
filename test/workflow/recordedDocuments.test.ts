import fs from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import type * as proto from '@temporalio/proto';
import { arrayJobStateSchema, singleJobStateSchema } from '../../src/model/jobStates';
import { arrayJobInputSchema, parseWorkflowInput, retryInputSchema, singleJobInputSchema } from '../../src/model/workflowInputs';
import { historyFromJson } from './historyJson';

/**
 * The schemas under schema/ against what recorded runs really sent and wrote.
 * The workflows check a new job's input against the zod schemas of
 * src/model/workflowInputs.ts (patch 'input-checked-by-schema'): every input a
 * recorded run was started with — first runs, retries (`{ retry }`) and array
 * continuations (the job's input again, beside what the run carries) — must
 * pass the schema its workflow now applies, or a job like it would be refused.
 * And every state a run wrote (memo, result, failure details, what a
 * continuation carries) must fit src/model/jobStates.ts, the documented
 * `schema/<type>.state.json`.
 */
const historiesDir = path.join(__dirname, 'histories');
const files = fs.readdirSync(historiesDir).filter((name) => name.endsWith('.json')).sort();
const inputSchemas: Record<string, typeof singleJobInputSchema | typeof arrayJobInputSchema> = { singleJob: singleJobInputSchema, arrayJob: arrayJobInputSchema };
/** Runs of the job workflows; the others (the reconciler's closing runs) take what the reconciler sends, not a caller's input. */
const jobRuns = files.filter((file) => startOf(file).type in inputSchemas);

function historyOf(file: string): proto.temporal.api.history.v1.IHistory {
  return historyFromJson(JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8')));
}

function startOf(file: string): { type: string; input: unknown } {
  const history = historyOf(file);
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = started?.input?.payloads?.[0];
  if (!started?.workflowType?.name || !payload) throw new Error(`${file} does not start with a workflow's input`);
  return { type: started.workflowType.name, input: defaultPayloadConverter.fromPayload(payload) };
}

describe('inputs recorded in the histories pass the schemas the workflows check', () => {
  it.each(jobRuns)('%s', (file) => {
    const { type, input } = startOf(file);
    const schema = inputSchemas[type];
    const isRetry = typeof input === 'object' && input !== null && 'retry' in input;
    expect(() => parseWorkflowInput(isRetry ? retryInputSchema : schema, input)).not.toThrow();
  });

  it.each(files.filter((file) => startOf(file).type === 'scheduledJob'))("%s: the job a schedule's run starts", (file) => {
    const { input } = startOf(file) as { input: { workflowType: string; job: object } };
    expect(() => parseWorkflowInput(inputSchemas[input.workflowType], { ...input.job, jobId: 'rbs-nightly-2026-12-08t02-00-00z' })).not.toThrow();
  });

  it('include retries and continuations', () => {
    const inputs = files.map(startOf).map(({ input }) => input as { retry?: unknown });
    expect(inputs.some((input) => input.retry !== undefined)).toBe(true);
    expect(jobRuns.length).toBeGreaterThanOrEqual(20);
    expect(files.some((file) => /\.run[2-9]\.json$/.test(file) && file.startsWith('array-'))).toBe(true);
  });
});

type Payloads = proto.temporal.api.common.v1.IPayloads | null | undefined;
const values = (payloads: Payloads): unknown[] => (payloads?.payloads ?? []).map((payload) => defaultPayloadConverter.fromPayload(payload));

/**
 * Every state document a run wrote: memo upserts, its result or failure
 * details, the state a continuation carries or a closing run was given.
 */
function statesOf(file: string): unknown[] {
  const events = historyOf(file).events ?? [];
  const [input, carried] = values(events[0]?.workflowExecutionStartedEventAttributes?.input) as ({ state?: unknown } | undefined)[];
  const closing = startOf(file).type === 'closeOrphanedJob' ? input : undefined;
  return [
    ...(carried?.state ? [carried.state] : []),
    ...(closing?.state ? [closing.state] : []),
    ...events.flatMap((event) => {
      const memo = event.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields?.state;
      const completed = event.workflowExecutionCompletedEventAttributes?.result;
      const failed = event.workflowExecutionFailedEventAttributes?.failure?.applicationFailureInfo?.details;
      return [...(memo ? values({ payloads: [memo] }) : []), ...values(completed), ...values(failed)];
    }),
  ];
}

/** A schedule's run starts a job and waits for it: the job writes its state, the run none. */
const stateWriters = files.filter((file) => startOf(file).type !== 'scheduledJob');

describe('states recorded in the histories fit schema/<type>.state.json', () => {
  it.each(stateWriters)('%s', (file) => {
    const { type, input } = startOf(file);
    // A closing run records the state of the job it closes, single or array.
    const jobType = type === 'closeOrphanedJob' ? (input as { jobType: 'Single' | 'Array' }).jobType : type;
    const schema = { singleJob: singleJobStateSchema, Single: singleJobStateSchema, arrayJob: arrayJobStateSchema, Array: arrayJobStateSchema }[jobType];
    if (!schema) throw new Error(`${file}: no state schema for ${jobType}`);
    const states = statesOf(file);
    expect(states.length).toBeGreaterThan(0);
    for (const state of states) {
      const parsed = schema.safeParse(state);
      expect(parsed.success ? 'fits' : parsed.error.issues).toBe('fits');
    }
  });
});
