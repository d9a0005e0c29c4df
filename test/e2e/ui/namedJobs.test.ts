import type { Page } from 'playwright-core';
import { mapSubmit } from '../../../src/client';
import { browserForSuite, findText } from '../support/browser';
import { stackEnvironments } from '../support/environments';
import { openUntilVisible, openUserMetadata } from '../support/uiPages';

/** Swaps columns of the workflow list (the last button of a column's row adds or removes it), through its Configure Columns drawer. */
async function showColumns(page: Page, names: string[], hide: string[] = []): Promise<void> {
  await page.getByTestId('workflows-summary-table-configuration-button').click();
  for (const name of [...hide, ...names]) {
    await page.getByText(name, { exact: true }).locator('xpath=ancestor::*[.//button][1]').getByRole('button').last().click();
  }
  await page.getByRole('button', { name: 'Close' }).filter({ visible: true }).first().click();
  await page.getByText('Configure Workflows Table').waitFor({ state: 'hidden' });
}

/** A named, labelled array as a person finds it in the Temporal UI (screenshots in screenshots/ui/). */
describe('a named job in the Temporal UI', () => {
  const { local: env } = stackEnvironments();
  const ui = browserForSuite();

  it('is found by its label in the list, and its page reads "name · N of M done · F failed"', async () => {
    const team = `vision-${Date.now().toString(36)}`;
    const array = await mapSubmit(env, { command: '/bin/sh -c "exit $(( REMOTE_BATCH_CHILD_INDEX % 4 == 0 ? 1 : 0 ))"' }, Array.from({ length: 12 }, (_, i) => i), {
      name: 'nightly-train',
      labels: { team, run: '42' },
    });
    await array.wait();

    const query = `RemoteBatchLabels = "team=${team}" AND RemoteBatchName STARTS_WITH "nightly"`;
    await openUntilVisible(ui, `workflows?query=${encodeURIComponent(query)}`, array.jobId);
    // The list's summary line, as columns a person adds once (the UI keeps them in the browser).
    await showColumns(ui.page, ['RemoteBatchName', 'RemoteBatchJobStatus', 'RemoteBatchChildrenSucceeded', 'RemoteBatchChildrenFailed'], ['Run ID', 'Type', 'Start', 'End']);
    const row = ui.page.locator('tr', { hasText: array.jobId });
    expect((await row.innerText()).split(/\s+/)).toEqual(expect.arrayContaining(['nightly-train', 'Completed', '9', '3']));
    await ui.screenshot('named-array-in-list');

    await openUserMetadata(ui, array.jobId);
    const summary = await findText(ui.page, /^nightly-train · Array job of 12 children on pool local/);
    expect(await summary.innerText()).toContain('· priority 0 · 1 vCPU');
    await findText(ui.page, 'nightly-train · 12 of 12 done · 3 failed');
    await ui.screenshot('named-array-summary');
  });
});
