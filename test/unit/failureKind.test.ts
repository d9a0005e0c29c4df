import {
  defaultInfrastructureRetries,
  failureKind,
  infrastructureAttempts,
  infrastructureBackoffMs,
  jobAttemptsProperty,
  withEarlierRuns,
  withEndedAttempts,
} from '../../src/model/failureKind';
import type { TaskObservation } from '../../src/model/taskObservation';

const completed = (extra: Partial<TaskObservation>): TaskObservation => ({ state: 'completed', endTime: '2026-01-01T00:00:00.000Z', ...extra });

describe('failure kinds', () => {
  it('calls a success no failure at all', () => {
    expect(failureKind(completed({ exitCode: 0, result: 'success' }))).toBeUndefined();
  });

  it("calls the job's own exit code, a script error and a time limit user failures", () => {
    expect(failureKind(completed({ exitCode: 3, result: 'failure', failure: { category: 'usererror', code: 'FailureExitCode' } }))).toBe('user');
    expect(failureKind(completed({ exitCode: 1, result: 'failure' }))).toBe('user');
    expect(failureKind(completed({ result: 'failure', failure: { category: 'usererror', code: 'TaskEnded', message: 'maxWallClockTime' } }))).toBe('user');
  });

  it('calls upload failures, lost nodes and server errors infrastructure failures, whatever category Batch files them under', () => {
    expect(failureKind(completed({ exitCode: 0, result: 'failure', failure: { category: 'usererror', code: 'FileUploadMiscError' } }))).toBe('infrastructure');
    expect(failureKind(completed({ result: 'failure', failure: { category: 'ServerError', code: 'Anything' } }))).toBe('infrastructure');
    expect(failureKind(completed({ result: 'failure', failure: { category: 'usererror', code: 'BlobDownloadMiscError' } }))).toBe('infrastructure');
  });

  it('never calls a task ended by an abort of its job an infrastructure failure', () => {
    const aborted = completed({ result: 'failure', failure: { category: 'ServerError', code: 'X' }, jobTerminateReason: 'remote-batch abort: stop' });
    expect(failureKind(aborted)).toBe('user');
  });
});

describe('recorded attempts', () => {
  const rerun = { kind: 'infrastructure' as const, reason: 'upload failed' };

  it('records a completion once, however often an activity retry sees it', () => {
    const once = withEndedAttempts([], { endTime: 't1', batchRetries: 0 }, rerun);
    expect(withEndedAttempts(once, { endTime: 't1', batchRetries: 0 }, rerun)).toEqual(once);
    const twice = withEndedAttempts(once, { endTime: 't2', batchRetries: 0 }, rerun);
    expect(infrastructureAttempts(twice)).toBe(2);
  });

  it("records Batch's own MaxRetries reruns as user attempts before the rerun attempt", () => {
    const attempts = withEndedAttempts([], { endTime: 't1', batchRetries: 2 }, rerun);
    expect(attempts.map((attempt) => attempt.kind)).toEqual(['user', 'user', 'infrastructure']);
  });

  it('lists every attempt in JobAttempts, the last one being the current', () => {
    const attempts = withEndedAttempts([], { endTime: 't1', batchRetries: 0 }, rerun);
    expect(jobAttemptsProperty(attempts, { status: 'Succeeded' })).toEqual([
      { Attempt: 1, Kind: 'infrastructure', Status: 'Retried', Reason: 'upload failed' },
      { Attempt: 2, Status: 'Succeeded' },
    ]);
  });

  it("counts a single job's earlier runs (user retries) among its attempts, in the order they ended", () => {
    const rerun1 = withEndedAttempts([], { endTime: '2026-01-01T00:00:01.000Z', batchRetries: 0 }, rerun);
    const rerun2 = withEndedAttempts(rerun1, { endTime: '2026-01-01T00:00:03.000Z', batchRetries: 0 }, rerun);
    const merged = withEarlierRuns(rerun2, [{ status: 'Failed', statusReason: 'exit code 1', completedAt: '2026-01-01T00:00:02.000Z' }]);
    expect(merged.map((attempt) => attempt.reason)).toEqual(['upload failed', 'exit code 1', 'upload failed']);
    expect(jobAttemptsProperty(merged, { status: 'Succeeded' }).map((attempt) => attempt.Kind ?? attempt.Status)).toEqual([
      'infrastructure',
      'user',
      'infrastructure',
      'Succeeded',
    ]);
  });

  it('backs off more with each rerun, within the watchers budget of 3', () => {
    expect(defaultInfrastructureRetries).toBe(3);
    expect(infrastructureBackoffMs(1)).toBeLessThan(infrastructureBackoffMs(2));
    expect(infrastructureBackoffMs(50)).toBe(30_000);
  });
});
