import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { ReconcilerSettings } from '../model/reconcilerSettings';
import type { reconcileOrphans } from '../workflows/reconciler';
import { taskQueue } from './temporalSettings';

/** One schedule per namespace, whichever worker creates it first; later workers bring it up to date. */
const reconcilerScheduleId = 'remote-batch-reconciler';

function scheduleOptions(settings: ReconcilerSettings) {
  return {
    spec: { intervals: [{ every: settings.intervalMs }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'reconcileOrphans',
      workflowId: 'remote-batch-reconcile',
      taskQueue,
      args: [{ gracePeriodMs: settings.gracePeriodMs, intervalMs: settings.intervalMs }] as Parameters<typeof reconcileOrphans>,
      staticSummary: 'remote-batch reconciler: ends Azure jobs whose workflow closed, deletes uploads that never started (a pass every interval, a run an hour)',
    },
    // A pass still running when the next is due makes the next one unnecessary.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: Math.max(settings.intervalMs, 60_000) },
  };
}

/** Creates the reconciler's Temporal Schedule, or updates it to these settings: safe at every worker start. */
export async function ensureReconcilerSchedule(client: Client, settings: ReconcilerSettings): Promise<'created' | 'updated'> {
  const options = scheduleOptions(settings);
  try {
    await client.schedule.create({ scheduleId: reconcilerScheduleId, ...options });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await client.schedule.getHandle(reconcilerScheduleId).update((previous) => ({ ...previous, ...options, state: previous.state }));
  return 'updated';
}
