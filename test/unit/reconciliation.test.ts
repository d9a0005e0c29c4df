import { reconcileActiveJob, reconcilerAzureReason } from '../../src/model/reconciliation';
import { parseDuration, reconcilerSettingsFromEnvironment } from '../../src/model/reconcilerSettings';

const now = new Date('2026-01-01T12:00:00Z');
const grace = 5 * 60_000;
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

describe('what the reconciler does with an active Azure job', () => {
  it('leaves a job alone while its workflow runs, however old', () => {
    expect(reconcileActiveJob({ createdAt: minutesAgo(600) }, { executionStatus: 'RUNNING', jobStatus: 'Running' }, now, grace)).toEqual({ action: 'none' });
  });

  it('closes the job of a terminated, timed-out or cancelled workflow once the grace period has passed', () => {
    for (const [status, words] of [
      ['TERMINATED', 'terminated'],
      ['TIMED_OUT', 'timed out'],
      ['CANCELLED', 'cancelled'],
    ]) {
      const workflow = { executionStatus: status, closeTime: minutesAgo(6), jobStatus: 'Running' as const };
      const decision = reconcileActiveJob({ createdAt: minutesAgo(10) }, workflow, now, grace);
      expect(decision).toEqual({ action: 'close', reason: expect.stringContaining(words) });
    }
  });

  it('waits out the grace period after the workflow closed', () => {
    const workflow = { executionStatus: 'TERMINATED', closeTime: minutesAgo(4), jobStatus: 'Running' as const };
    expect(reconcileActiveJob({ createdAt: minutesAgo(60) }, workflow, now, grace)).toEqual({ action: 'none' });
  });

  it('closes, saying the workflow was deleted, a job that records what it is and whose workflow no longer exists', () => {
    expect(reconcileActiveJob({ createdAt: minutesAgo(6), recorded: true }, undefined, now, grace)).toEqual({
      action: 'close',
      reason: 'its workflow was deleted from Temporal',
    });
    expect(reconcileActiveJob({ createdAt: minutesAgo(1), recorded: true }, undefined, now, grace)).toEqual({ action: 'none' });
  });

  it('only terminates the job of a workflow that does not exist when the job does not record what it is (created before it did)', () => {
    expect(reconcileActiveJob({ createdAt: minutesAgo(6) }, undefined, now, grace)).toEqual({
      action: 'terminate',
      reason: expect.stringContaining('does not exist'),
    });
    expect(reconcileActiveJob({ createdAt: minutesAgo(1) }, undefined, now, grace)).toEqual({ action: 'none' });
  });

  it('keeps a closed array open until its retry window ends, then terminates it without touching its status', () => {
    const workflow = { executionStatus: 'FAILED', closeTime: minutesAgo(60), jobStatus: 'Completed' as const };
    const inWindow = { createdAt: minutesAgo(90), retryUntil: new Date(now.getTime() + 60_000).toISOString() };
    expect(reconcileActiveJob(inWindow, workflow, now, grace)).toEqual({ action: 'none' });
    const pastWindow = { createdAt: minutesAgo(90), retryUntil: minutesAgo(1) };
    expect(reconcileActiveJob(pastWindow, workflow, now, grace)).toEqual({ action: 'terminate', reason: 'its retry window ended' });
  });

  it('does not honour a retry window for a job whose status is not final', () => {
    const workflow = { executionStatus: 'TERMINATED', closeTime: minutesAgo(60), jobStatus: 'Active' as const };
    const decision = reconcileActiveJob({ retryUntil: new Date(now.getTime() + 3_600_000).toISOString() }, workflow, now, grace);
    expect(decision.action).toBe('close');
  });

  it('keeps the Azure terminate reason within the 64 characters Batch stores', () => {
    expect(reconcilerAzureReason('its workflow continued as new without a run to follow it').length).toBeLessThanOrEqual(64);
  });
});

describe('reconciler settings', () => {
  it('defaults to minutes, and takes minutes or a unit', () => {
    expect(reconcilerSettingsFromEnvironment({})).toEqual({ intervalMs: 300_000, gracePeriodMs: 600_000 });
    expect(parseDuration('X', '2')).toBe(120_000);
    expect(parseDuration('X', '30s')).toBe(30_000);
    expect(parseDuration('X', '1h')).toBe(3_600_000);
  });

  it('names the variable and the allowed forms when a value is wrong', () => {
    expect(() => reconcilerSettingsFromEnvironment({ REMOTE_BATCH_RECONCILE_GRACE_PERIOD: 'soon' })).toThrow(
      /REMOTE_BATCH_RECONCILE_GRACE_PERIOD must be a duration .* got 'soon'/,
    );
    expect(() => parseDuration('REMOTE_BATCH_RECONCILE_INTERVAL', '0.5s')).toThrow(/at least one second/);
  });
});
