import { mapSubmit, submit } from '../../../src/client';
import { findText, browserForSuite, listedValues } from '../support/browser';
import { stackEnvironments } from '../support/environments';
import { waitForStatus } from '../support/jobs';
import { openUntilVisible, openUserMetadata } from '../support/uiPages';

/** What a person sees in the stack's Temporal UI, read from the page in headless Chromium (screenshots in screenshots/ui/). */
describe('the Temporal UI in a real browser', () => {
  const { local: env } = stackEnvironments();
  const ui = browserForSuite();

  it('lists a running job filtered by RemoteBatchJobStatus and RemoteBatchPoolId, and its page says what the job is', async () => {
    const job = await submit(env, { command: '/bin/sh -c "sleep 120"' }, { settings: { VCPUCount: 2, JobPriority: 0.5 } });
    try {
      await waitForStatus(job, ['Running']);
      const query = 'RemoteBatchJobStatus = "Running" AND RemoteBatchPoolId = "local"';
      await openUntilVisible(ui, `workflows?query=${encodeURIComponent(query)}`, job.jobId);
      await ui.screenshot('list-running-on-local');

      await ui.page.getByText(job.jobId, { exact: true }).first().click();
      await ui.page.getByText('User Metadata', { exact: true }).first().click();
      const summary = await findText(ui.page, /^Single job on pool local: command/);
      expect(await summary.innerText()).toContain('priority 0.5 · 2 vCPUs');
      await findText(ui.page, /^Running\b/);
      await ui.screenshot('single-job-user-metadata');
    } finally {
      await job.abort('the UI test has seen it');
    }
  });

  it("shows an array's child counts on its page", async () => {
    const array = await mapSubmit(env, { command: '/bin/sh -c "exit 0"' }, [1, 2, 3]);
    await array.wait();
    await openUserMetadata(ui, array.jobId);
    await findText(ui.page, /^Array job of 3 children on pool local/);
    const counts = await listedValues(ui.page, 'Active');
    expect(counts).toMatchObject({ Active: '0', Running: '0', Succeeded: '3', Failed: '0', 'Added to Batch': '3 of 3' });
    await ui.screenshot('array-counts');
  });

  it('shows a command in the summary as written, straight quotes and $ included, so it can be copied back', async () => {
    const command = `/bin/sh -c "echo 'n=$REMOTE_BATCH_CHILD_INDEX' > /dev/null"`;
    const array = await mapSubmit(env, { command }, [1]);
    await array.wait();
    await openUserMetadata(ui, array.jobId);
    const summary = await findText(ui.page, /^Array job of 1 child on pool local/);
    expect(await summary.innerText()).toContain(command);
    await findText(ui.page, /^Completed\b/);
    await ui.screenshot('summary-command-as-written');
  });
});
