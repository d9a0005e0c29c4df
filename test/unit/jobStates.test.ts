import fs from 'node:fs';
import path from 'node:path';
import { schemaFiles } from '../../scripts/schemaFiles';
import { arrayJobStateSchema, initialArrayJobState, initialSingleJobState, type SingleJobState, singleJobStateSchema } from '../../src/model/jobStates';
import { resumedArrayJobState, resumedSingleJobState } from '../../src/model/retry';
import { parseWorkflowInput, singleJobInputSchema, arrayJobInputSchema } from '../../src/model/workflowInputs';

const schemaDir = path.join(__dirname, '..', '..', 'schema');

describe('the documents under schema/', () => {
  it('are exactly what `npm run schemas` writes from the zod schemas: none is written by hand', () => {
    const generated = schemaFiles();
    expect(fs.readdirSync(schemaDir).sort()).toEqual(Object.keys(generated).sort());
    for (const [name, text] of Object.entries(generated)) expect({ name, text: fs.readFileSync(path.join(schemaDir, name), 'utf8') }).toEqual({ name, text });
  });
});

describe('the state schemas', () => {
  const environment = { poolId: 'local', connection: 'local' };
  const submittedAt = '2026-12-02T09:40:53.671Z';

  it('describe the same objects as the states the workflows build', () => {
    const single = parseWorkflowInput(singleJobInputSchema, { environment, body: { kind: 'command', commandLine: 'true' }, submittedAt });
    const singleState = initialSingleJobState(single, 'my-job', submittedAt);
    expect(singleJobStateSchema.parse(singleState)).toEqual(singleState);
    const failed: SingleJobState = { ...singleState, status: 'Failed', exitCode: 3, completedAt: submittedAt, retryUntil: submittedAt };
    expect(singleJobStateSchema.safeParse(resumedSingleJobState(failed, 'run-1')).success).toBe(true);

    const array = parseWorkflowInput(arrayJobInputSchema, { environment, body: { kind: 'command', commandLine: 'true' }, elementCount: 5, spanSize: 2, submittedAt });
    const arrayState = initialArrayJobState(array, 'my-array', submittedAt);
    expect(arrayJobStateSchema.parse(arrayState)).toEqual(arrayState);
    expect(arrayJobStateSchema.safeParse(resumedArrayJobState({ ...arrayState, status: 'Completed', closed: true }, 'run-1')).success).toBe(true);
  });

  it('refuse a field the code does not write, and a status the job type does not have', () => {
    const single = { jobId: 'j', taskId: '10000000', poolId: 'p', status: 'Active', submittedAt: '2026-12-02T09:40:53.671Z', inputNames: [], settings: { containerImage: 'node:20-slim', jobPriority: 0, vcpuCount: 1 }, attempts: [] };
    expect(singleJobStateSchema.safeParse(single).success).toBe(true);
    expect(singleJobStateSchema.safeParse({ ...single, surprise: 1 }).success).toBe(false);
    expect(singleJobStateSchema.safeParse({ ...single, status: 'Completed' }).success).toBe(false);
  });
});
