import { WorkflowUpdateFailedError } from '@temporalio/client';
import { mapSubmit } from '../../src/client';
import { retryFailedUpdate } from '../../src/workflows/arrayMessages';
import { waitFor } from '../support/waitFor';
import { stackEnvironments } from './support/environments';

describe('what an array workflow refuses', () => {
  const { local } = stackEnvironments();

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
