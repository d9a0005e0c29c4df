import { submit } from '../../../src/client';
import { waitFor } from '../../support/waitFor';
import { browserForSuite } from '../support/browser';
import { stackEnvironments } from '../support/environments';
import { waitForStatus } from '../support/jobs';
import { statusBadge } from '../support/uiPages';

/** A failed job, as a person meets it in the Temporal UI. */
describe('failed jobs in the Temporal UI', () => {
  const { local: env } = stackEnvironments();
  const ui = browserForSuite();

  it('shows a failed job with a failed badge', async () => {
    const job = await submit(env, { command: '/bin/sh -c "exit 3"' });
    await waitForStatus(job, ['Failed']);
    await waitFor(() => statusBadge(ui, job.jobId), (badge) => badge === 'FAILED', 60_000, 'the FAILED badge', 1000);
    await ui.screenshot('failed-job');
  });
});
