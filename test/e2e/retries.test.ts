import { mapSubmit, submit } from '../../src/client';
import { waitFor } from '../support/waitFor';
import { stackEnvironments } from './support/environments';
import { waitForStatus } from './support/jobs';

describe('MaxRetries and JobAttempts', () => {
  const { local } = stackEnvironments();

  it('reruns a job that exits nonzero as often as MaxRetries says, listing every attempt', async () => {
    const job = await submit(local, { command: '/bin/sh -c "echo trying; exit 3"' }, { settings: { MaxRetries: 2 } });
    await waitForStatus(job, ['Succeeded', 'Failed'], 90_000);
    expect(await job.get('JobStatus')).toBe('Failed');
    expect(await job.get('JobExitCode')).toBe(3);
    const attempts = (await job.get('JobAttempts')) as { Attempt: number; Kind?: string; Status: string }[];
    expect(attempts.map(({ Attempt, Kind, Status }) => ({ Attempt, Kind, Status }))).toEqual([
      { Attempt: 1, Kind: 'user', Status: 'Retried' },
      { Attempt: 2, Kind: 'user', Status: 'Retried' },
      { Attempt: 3, Kind: undefined, Status: 'Failed' },
    ]);
  });

  it('does not rerun a user failure without MaxRetries: one attempt', async () => {
    const job = await submit(local, { command: '/bin/sh -c "exit 4"' });
    await waitForStatus(job, ['Succeeded', 'Failed'], 60_000);
    expect(await job.get('JobAttempts')).toEqual([{ Attempt: 1, Status: 'Failed', Reason: expect.stringContaining('exited with code 4') }]);
  });

  it("keeps an array child's attempts in its state: a child that succeeds on Batch's second run shows both", async () => {
    // Each child fails its first run and succeeds on the rerun Batch makes for MaxRetries (a marker file per job and child says it ran).
    const marker = '/tmp/rb-retried-$AZ_BATCH_JOB_ID-$REMOTE_BATCH_CHILD_INDEX';
    const array = await mapSubmit(local, { command: `/bin/sh -c "if [ -e ${marker} ]; then rm ${marker}; echo 7 > result.json; else touch ${marker}; exit 9; fi"` }, [1, 2], { settings: { MaxRetries: 1 } });
    await waitFor(() => array.get('JobStatus'), (status) => status === 'Completed', { timeoutMs: 90_000, what: 'the array to complete' });
    expect(await array.get('ChildJobEvaluationResults')).toEqual([7, 7]);
    const attempts = (await array.child(2).get('JobAttempts')) as { Kind?: string; Status: string }[];
    expect(attempts.map(({ Kind, Status }) => ({ Kind, Status }))).toEqual([
      { Kind: 'user', Status: 'Retried' },
      { Kind: undefined, Status: 'Succeeded' },
    ]);
  });
});
