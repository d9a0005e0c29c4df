import { randomUUID } from 'node:crypto';
import { ApplicationFailure, WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { mapSubmit, taskQueue } from '../../src/client';
import { retryFailedUpdate } from '../../src/workflows/arrayMessages';
import { waitFor } from '../support/waitFor';
import { stackEnvironments } from './support/environments';

describe('what an array workflow refuses', () => {
  const { local } = stackEnvironments();

  it('fails at once, naming the field, when started with a bad elementCount', async () => {
    const client = await local.client();
    const handle = await client.workflow.start('arrayJob', {
      taskQueue,
      workflowId: `bad-array-${randomUUID()}`,
      args: [{ environment: { poolId: 'local', connection: 'local' }, body: { kind: 'command', commandLine: 'true' }, elementCount: 0 } as never],
    });
    const error = await handle.result().then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe('InvalidInput');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toMatch(/^elementCount must be a whole number/);
  });

  it('refuses retryFailed while the array is still Active', async () => {
    const array = await mapSubmit(local, { command: '/bin/sh -c "sleep 30"' }, [1]);
    await waitFor(() => array.child(1).get('JobStatus'), (status) => status === 'Running', 60_000, 'child 1 to run', 200);
    const handle = (await local.client()).workflow.getHandle(array.jobId);
    const refused = await handle.executeUpdate(retryFailedUpdate).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((refused as WorkflowUpdateFailedError).cause?.message)).toContain('still Active');
    await expect(array.retryFailed()).rejects.toThrow(/still Active/);
    await array.abort('done with the test');
  });
});
