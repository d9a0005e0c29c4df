import { submit } from '../../../src/client';
import { temporalCancellationPrefix } from '../../../src/model/outcome';
import { waitFor } from '../../support/waitFor';
import { browserForSuite, findText } from '../support/browser';
import { stackEnvironments } from '../support/environments';
import { waitForStatus } from '../support/jobs';
import { openUntilVisible, openUserMetadata, statusBadge } from '../support/uiPages';
import { azureSdk } from '../../support/azureSdk';

/** Failed jobs and the Request Cancellation button, as a person meets them in the Temporal UI. */
describe('failures and cancellation in the Temporal UI', () => {
  const { local: env } = stackEnvironments();
  const ui = browserForSuite();

  it('shows a failed job with a failed badge', async () => {
    const job = await submit(env, { command: '/bin/sh -c "exit 3"' });
    await waitForStatus(job, ['Failed']);
    await waitFor(() => statusBadge(ui, job.jobId), (badge) => badge === 'FAILED', 60_000, 'the FAILED badge', 1000);
    await ui.screenshot('failed-job');
  });

  it('ends a running job as an abort when Request Cancellation is pressed: Azure job terminated, job Failed with the reason', async () => {
    const job = await submit(env, { command: '/bin/sh -c "sleep 300"' });
    await waitForStatus(job, ['Running']);
    await openUntilVisible(ui, `workflows/${encodeURIComponent(job.jobId)}`, 'Request Cancellation');
    await ui.page.getByRole('button', { name: 'Request Cancellation' }).click();
    await ui.screenshot('request-cancellation-dialog');
    await ui.page.getByRole('button', { name: 'Confirm' }).click();

    const azureJob = await waitFor(() => azureSdk(env).batch.job.get(job.jobId), (found) => found.state === 'completed', 60_000, 'the Azure job to end', 500);
    expect(azureJob.executionInfo?.terminateReason).toMatch(/^remote-batch: workflow cancelled/);
    await waitForStatus(job, ['Failed'], 60_000);
    expect(await job.get('JobStatusReason')).toMatch(new RegExp(`^${temporalCancellationPrefix}.*the Azure job was terminated\\.$`));
    await waitFor(() => statusBadge(ui, job.jobId), (badge) => badge === 'CANCELED', 60_000, 'the CANCELED badge', 1000);
    await ui.screenshot('cancelled-job');
  });

  it("opens a terminated job on the reconciler's closing run, which says what it is and how the job ended", async () => {
    const job = await submit(env, { command: '/bin/sh -c "sleep 300"' });
    await waitForStatus(job, ['Running']);
    await (await env.client()).workflow.getHandle(job.jobId).terminate('terminated by the UI test');
    await waitFor(() => job.get('JobStatusReason'), (reason) => String(reason).includes('reconciler'), 120_000, 'the closing run', 500);
    await openUserMetadata(ui, job.jobId);
    await findText(ui.page, /^Closing job /);
    await findText(ui.page, /ends the Azure job and records the final status/);
    await findText(ui.page, /^Failed\b/);
    await ui.screenshot('terminated-job-closing-run');
  });
});
