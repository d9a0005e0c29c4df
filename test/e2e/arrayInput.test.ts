import { mapSubmit } from '../../src/client';
import { JobStateError } from '../../src/model/errors';
import { waitFor } from '../support/waitFor';
import { stackEnvironments } from './support/environments';

describe('what an array refuses', () => {
  const { local } = stackEnvironments();

  it('refuses retryFailed while the array runs, and a child abort outside its children or with a bad reason', async () => {
    const array = await mapSubmit(local, { command: '/bin/sh -c "sleep 30"' }, [1, 2]);
    await waitFor(() => array.child(1).get('JobStatus'), (status) => status === 'Running', 60_000, 'child 1 to run', 200);
    await expect(array.retryFailed()).rejects.toThrow(JobStateError);
    await expect(array.retryFailed()).rejects.toThrow(/still Active/);
    for (const index of [0, 3, 1.5]) await expect(array.abortChild(index)).rejects.toThrow(`has children 1 to 2; got ${index}`);
    await expect(array.abortChild(1, 'x'.repeat(1001))).rejects.toThrow(/reason must be at most 1000 characters/);
    await expect(array.abort(42 as unknown as string)).rejects.toThrow(/reason must be a string/);
    await array.abort('done with the test');
  });
});
