import fs from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { arrayJobInputSchema, parseWorkflowInput, retryInputSchema, singleJobInputSchema } from '../../src/model/workflowInputs';
import { historyFromJson } from './historyJson';

/**
 * The workflows check a new job's input against the zod schemas of
 * src/model/workflowInputs.ts (patch 'input-checked-by-schema'). Every input a
 * recorded run was started with — first runs, retries (`{ retry }`) and array
 * continuations (the job's input again, beside what the run carries) — must
 * pass the schema its workflow now applies, or a job like it would be refused.
 */
const historiesDir = path.join(__dirname, 'histories');
const files = fs.readdirSync(historiesDir).filter((name) => name.endsWith('.json')).sort();

function startOf(file: string): { type: string; input: unknown } {
  const history = historyFromJson(JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8')));
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = started?.input?.payloads?.[0];
  if (!started?.workflowType?.name || !payload) throw new Error(`${file} does not start with a workflow's input`);
  return { type: started.workflowType.name, input: defaultPayloadConverter.fromPayload(payload) };
}

describe('inputs recorded in the histories pass the schemas the workflows check', () => {
  it.each(files)('%s', (file) => {
    const { type, input } = startOf(file);
    const schema = { singleJob: singleJobInputSchema, arrayJob: arrayJobInputSchema }[type];
    if (!schema) throw new Error(`${file}: no input schema for workflow type ${type}`);
    const isRetry = typeof input === 'object' && input !== null && 'retry' in input;
    expect(() => parseWorkflowInput(isRetry ? retryInputSchema : schema, input)).not.toThrow();
  });

  it('include retries and continuations', () => {
    const inputs = files.map(startOf).map(({ input }) => input as { retry?: unknown });
    expect(inputs.some((input) => input.retry !== undefined)).toBe(true);
    expect(files.some((file) => /\.run[2-9]\.json$/.test(file) && file.startsWith('array-'))).toBe(true);
  });
});
