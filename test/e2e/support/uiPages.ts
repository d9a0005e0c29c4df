import type { UiBrowser } from './browser';

/**
 * Opens a page until `text` shows: visibility and the UI's own polling lag a
 * little behind the job, so a page that does not show it yet is loaded again.
 */
export async function openUntilVisible(ui: UiBrowser, pathInNamespace: string, text: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await ui.open(pathInNamespace);
    try {
      await ui.page.getByText(text, { exact: true }).filter({ visible: true }).first().waitFor({ timeout: 5_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        await ui.screenshot(`missing-${text.replace(/[^A-Za-z0-9]+/g, '-')}`);
        throw new Error(`the UI page ${pathInNamespace} never showed '${text}': ${(error as Error).message.split('\n')[0]}`);
      }
    }
  }
}

/** A workflow's page, on its User Metadata tab (summary, details, current details). */
export async function openUserMetadata(ui: UiBrowser, workflowId: string): Promise<void> {
  await openUntilVisible(ui, `workflows/${encodeURIComponent(workflowId)}`, 'User Metadata');
  await ui.page.getByText('User Metadata', { exact: true }).first().click();
  await ui.page.getByText('Current Details', { exact: true }).first().waitFor();
}
