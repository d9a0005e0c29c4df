import { createSchedule } from '../../../src/client';
import { scheduleIdOf } from '../../../src/model/schedules';
import { browserForSuite } from '../support/browser';
import { stackEnvironments } from '../support/environments';
import { openUntilVisible } from '../support/uiPages';

/** A schedule as a person finds it on the Temporal UI's Schedules page (screenshots in screenshots/ui/). */
describe('a schedule in the Temporal UI', () => {
  const { local: env } = stackEnvironments();
  const ui = browserForSuite();

  it('is listed on the Schedules page, and its page shows its time in words, its overlap policy and that it runs scheduledJob', async () => {
    const name = `ui-nightly-${Date.now().toString(36)}`;
    const schedule = await createSchedule(env, name, { submit: { command: 'true' }, options: { name: 'nightly-report' } }, { cron: '0 2 * * *', note: 'the nightly report' });
    try {
      await openUntilVisible(ui, 'schedules', scheduleIdOf(name));
      await ui.screenshot('schedules-list');
      await openUntilVisible(ui, `schedules/${encodeURIComponent(scheduleIdOf(name))}`, 'scheduledJob');
      const page = await ui.page.locator('main').innerText();
      expect(page).toContain(scheduleIdOf(name));
      expect(page).toContain('At 02:00 every day');
      expect(page).toMatch(/Overlap Policy\s+Skip/);
      await ui.screenshot('schedule-page');
    } finally {
      await schedule.delete();
    }
  });
});
