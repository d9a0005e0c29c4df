import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { submit, taskQueue } from '../../src/client';
import { jobContainerName } from '../../src/model/conventions';
import type { SingleJobState } from '../../src/model/jobStates';
import { jobFailedType, retryRefusedType } from '../../src/model/retry';
import { repoRoot } from '../../src/stack/config';
import { waitFor } from '../support/waitFor';
import { stackEnvironments } from './support/environments';
import { waitForStatus } from './support/jobs';
import { azureSdk } from '../support/azureSdk';

/**
 * A caller in any language starts the workflows by name, past the TypeScript
 * client's checks: the workflows check their input against the same zod
 * schemas (src/model/workflowInputs.ts) and refuse at once, naming the field.
 */
describe('what the workflows refuse from callers that skip the client', () => {
  const { local } = stackEnvironments();
  const environment = { poolId: 'local', connection: 'local' };
  const command = { kind: 'command', commandLine: 'true' };
  const script = (fields: object) => ({ kind: 'script', bundleBlob: 'inputs/remote-batch-job.js', args: [], ...fields });

  const cases: { what: string; type: 'singleJob' | 'arrayJob'; input: object; says: string }[] = [
    { what: 'an export name that is no identifier', type: 'singleJob', input: { environment, body: script({ exportName: 'not-a-name' }) }, says: 'exportName must be a JavaScript identifier' },
    { what: 'arguments over the limit', type: 'singleJob', input: { environment, body: script({ args: ['x'.repeat(300 * 1024)] }) }, says: 'may be at most 256 KiB' },
    { what: "a setting by the seed's name", type: 'singleJob', input: { environment, body: command, settings: { VCPUCount: 2 } }, says: "Unknown setting 'VCPUCount'. Known settings (camelCase)" },
    { what: 'a time that is not one', type: 'singleJob', input: { environment, body: command, submittedAt: 'yesterday' }, says: 'submittedAt must be an ISO 8601 time' },
    { what: 'a retry naming no run', type: 'singleJob', input: { retry: { previousRunId: '' } }, says: 'retry.previousRunId must be the run id' },
    { what: 'no elements', type: 'arrayJob', input: { environment, body: command, elementCount: 0 }, says: 'elementCount must be a whole number from 1 to 1,000,000' },
    { what: 'an input file in a folder', type: 'arrayJob', input: { environment, body: command, elementCount: 1, inputs: [{ name: 'a/b.txt', content: 'x' }] }, says: "the file name 'a/b.txt' must be a plain name" },
    { what: 'a command line with a quote never closed', type: 'singleJob', input: { environment, body: { kind: 'command', commandLine: "echo 'hi" } }, says: "body.commandLine: the command line has a single quote (') at character 6 that is never closed" },
    { what: 'more children than an array may have', type: 'arrayJob', input: { environment, body: command, elementCount: 1_000_000, spanSize: 2 }, says: 'Use spanSize 10 or more' },
  ];

  it.each(cases)('$type: $what fails the workflow at once, naming the field, and creates nothing', async ({ type, input, says }) => {
    const client = await local.client();
    const workflowId = `bad-input-${randomUUID()}`;
    const handle = await client.workflow.start(type, { taskQueue, workflowId, args: [input as never] });
    const error = await handle.result().then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe('InvalidInput');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain(says);
    expect(await azureSdk(local).blobs.getContainerClient(jobContainerName(workflowId)).exists()).toBe(false);
  });

  it.each([
    { what: 'an input blob', body: command, inputs: [{ name: 'data.csv', blob: 'inputs/data.csv' }], names: "blob 'inputs/data.csv' of job" },
    { what: 'the script bundle', body: script({}), inputs: [], names: "blob 'inputs/remote-batch-job.js' (the job's bundled script) of job" },
  ])('ends a job whose $what is missing from storage Failed, naming the blob and the job', async ({ body, inputs, names }) => {
    const client = await local.client();
    const workflowId = `missing-blob-${randomUUID().slice(0, 8)}`;
    const handle = await client.workflow.start('singleJob', { taskQueue, workflowId, args: [{ environment, body, inputs } as never] });
    const error = await handle.result().then(() => undefined, (failure: unknown) => failure);
    const state = ((error as WorkflowFailedError).cause as ApplicationFailure).details?.[0] as SingleJobState;
    expect(state.status).toBe('Failed');
    expect(state.statusReason).toContain(`BlobNotFound): ${names} ${workflowId} (container ${jobContainerName(workflowId)})`);
    expect(state.statusReason).not.toMatch(/sig=|\?s[vpe]=/);
  });

  it("ends a job on a connection the worker does not know Failed, saying so, and its history names none of the worker's files", async () => {
    const client = await local.client();
    const workflowId = `unknown-connection-${randomUUID()}`;
    const handle = await client.workflow.start('singleJob', {
      taskQueue,
      workflowId,
      args: [{ environment: { poolId: 'local', connection: 'nope' }, body: command } as never],
    });
    const error = await handle.result().then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(jobFailedType);
    const state = cause.details?.[0] as SingleJobState;
    expect(state.status).toBe('Failed');
    expect(state.statusReason).toContain("The worker has no connection named 'nope'");

    // Payloads are JSON in UTF-8: read as text, so a path inside a memo or a reason is found too.
    const history = JSON.stringify(await handle.fetchHistory(), (_key, value: unknown) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : typeof value === 'bigint' ? String(value) : value,
    );
    expect(history).toContain("no connection named 'nope'");
    const places = ['connections.json', path.join(repoRoot, '.data'), path.join(os.homedir(), '.config')];
    for (const place of places) expect({ place, found: history.includes(place) }).toEqual({ place, found: false });
  });

  it("refuses at once a retry naming the reconciler's closing run of a job, which is no run of the job itself", async () => {
    const job = await submit(local, { command: '/bin/sh -c "sleep 300"' });
    await waitForStatus(job, ['Running']);
    const client = await local.client();
    await client.workflow.getHandle(job.jobId).terminate('terminated by the test, as from the UI');
    // The reconciler (every 2 s in this suite, after an 8 s grace period) closes the job in a run of its own under the job's id.
    const closing = await waitFor(
      () => client.workflow.getHandle(job.jobId).describe(),
      (run) => run.type === 'closeOrphanedJob' && run.status.name !== 'RUNNING',
      120_000,
      "the reconciler's closing run",
      500,
    );
    const handle = await client.workflow.start('singleJob', { taskQueue, workflowId: job.jobId, args: [{ retry: { previousRunId: closing.runId } }] });
    const error = await handle.result().then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(retryRefusedType);
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain(`run ${closing.runId} is a closeOrphanedJob run`);
  });
});
