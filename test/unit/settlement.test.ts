import { defaultInfrastructureRetries, type TaskAttempt } from '../../src/model/failureKind';
import { type CompletedTask, settle } from '../../src/model/settlement';
import type { TaskObservation } from '../../src/model/taskObservation';

const endTime = '2026-03-01T10:00:00.000Z';
const success: TaskObservation = { state: 'completed', exitCode: 0, result: 'success', startTime: '2026-03-01T09:59:00.000Z', endTime };
const task = (overrides: Partial<CompletedTask>): CompletedTask => ({ observation: success, missingOutputs: [], attempts: [], ...overrides });
const infrastructure = (reason: string): TaskAttempt => ({ kind: 'infrastructure', reason, round: 'earlier' });

describe('the one settlement policy, for single jobs and array children alike', () => {
  it('settles a task that exited 0 with its outputs in storage as Succeeded, recording nothing', () => {
    expect(settle(task({}))).toEqual({
      kind: 'outcome',
      outcome: { status: 'Succeeded', statusReason: 'The task exited with code 0 and its outputs were uploaded.', exitCode: 0 },
      attempts: [],
    });
  });

  it("reruns a success whose outputs storage does not have, as the platform's failure, with backoff", () => {
    const settled = settle(task({ missingOutputs: ['10000000/$TaskLog/stdout.txt'] }));
    expect(settled.kind).toBe('rerun');
    if (settled.kind !== 'rerun') return;
    expect(settled.afterMs).toBe(2000);
    expect(settled.reason).toContain('10000000/$TaskLog/stdout.txt');
    expect(settled.attempts).toEqual([{ kind: 'infrastructure', reason: settled.reason, round: endTime }]);
  });

  it('fails a task whose input blob is missing at once, with its own reason: it never ran, so no outputs are missing', () => {
    const missingInput: TaskObservation = {
      state: 'completed',
      result: 'failure',
      endTime,
      failure: { category: 'UserError', code: 'BlobNotFound', message: 'A resource file required for the task does not exist', blob: { container: 'job-rb-1', name: 'inputs/data.csv' } },
    };
    const settled = settle(task({ observation: missingInput, missingOutputs: ['10000000/$TaskLog/stdout.txt', '10000000/$TaskLog/stderr.txt'] }));
    expect(settled).toEqual({
      kind: 'outcome',
      outcome: { status: 'Failed', statusReason: "A resource file required for the task does not exist (UserError error BlobNotFound): blob 'inputs/data.csv' of job rb-1 (container job-rb-1).", exitCode: undefined },
      attempts: [],
    });
  });

  it('reruns a lost node and a preempted task, and backs off longer each time', () => {
    const lost: TaskObservation = { ...success, exitCode: undefined, result: 'failure', failure: { category: 'ServerError', code: 'NodeLost', message: 'The node was lost' } };
    const first = settle(task({ observation: lost }));
    const second = settle(task({ observation: lost, attempts: [infrastructure('node lost')] }));
    expect([first.kind, second.kind]).toEqual(['rerun', 'rerun']);
    expect(second.kind === 'rerun' && first.kind === 'rerun' && second.afterMs > first.afterMs).toBe(true);
  });

  it("reports an infrastructure failure once its rerun budget is spent, with every attempt kept", () => {
    const attempts = Array.from({ length: defaultInfrastructureRetries }, (_, at) => infrastructure(`lost ${at}`));
    const settled = settle(task({ missingOutputs: ['x'], attempts }));
    expect(settled.kind).toBe('outcome');
    if (settled.kind !== 'outcome') return;
    expect(settled.outcome.status).toBe('Failed');
    expect(settled.attempts).toHaveLength(defaultInfrastructureRetries);
  });

  it("never reruns the task's own failure; Batch's MaxRetries reruns show as user attempts", () => {
    const exit3: TaskObservation = { ...success, exitCode: 3, result: 'failure', retryCount: 2, failure: { category: 'UserError', code: 'FailureExitCode', message: 'exit 3' } };
    const settled = settle(task({ observation: exit3 }));
    expect(settled.kind).toBe('outcome');
    if (settled.kind !== 'outcome') return;
    expect(settled.outcome).toMatchObject({ status: 'Failed', exitCode: 3 });
    expect(settled.attempts.map((attempt) => attempt.kind)).toEqual(['user', 'user']);
  });

  it('records a completion once, however often it is settled (an activity retried)', () => {
    const exit3: TaskObservation = { ...success, exitCode: 3, result: 'failure', retryCount: 1 };
    const once = settle(task({ observation: exit3 }));
    const again = settle(task({ observation: exit3, attempts: once.attempts }));
    expect(again.attempts).toEqual(once.attempts);
  });

  it('fails a success whose result.json is not JSON, naming why, without a rerun', () => {
    const settled = settle(task({ unreadableResult: "Unexpected token 'o'" }));
    expect(settled).toMatchObject({ kind: 'outcome', outcome: { status: 'Failed', exitCode: 0 } });
    expect(settled.kind === 'outcome' && settled.outcome.statusReason).toMatch(/result\.json it wrote is not valid JSON \(Unexpected token 'o'\)/);
  });

  it("adds a script's own error to the reason it failed", () => {
    const settled = settle(task({ observation: { ...success, exitCode: 1, result: 'failure' }, scriptError: 'TypeError: x is not a function' }));
    expect(settled.kind === 'outcome' && settled.outcome.statusReason).toMatch(/exited with code 1\. TypeError: x is not a function$/);
  });

  it('ends an aborted task Failed with the abort as its reason, even when its outputs are missing', () => {
    const settled = settle(task({ abortReason: 'Terminated at the request of the remote-batch client: stop', missingOutputs: ['x'] }));
    expect(settled).toMatchObject({ kind: 'outcome', outcome: { status: 'Failed', statusReason: 'Terminated at the request of the remote-batch client: stop' } });
  });
});

describe('RetryOn in the settlement policy', () => {
  const exited = (exitCode: number, more: Partial<TaskObservation> = {}): TaskObservation => ({
    ...success,
    exitCode,
    result: 'failure',
    failure: { category: 'UserError', code: 'FailureExitCode', message: `exit ${exitCode}` },
    ...more,
  });
  const retryOn = { exitCodes: [137, { start: 140, end: 143 }], maxAttempts: 3, backoffSeconds: 30 };

  it('reruns an exit code in the list or a range after the backoff, recording a user attempt that says RetryOn earned it', () => {
    for (const code of [137, 140, 143]) {
      const settled = settle(task({ observation: exited(code), retryOn }));
      expect(settled).toMatchObject({ kind: 'rerun', afterMs: 30_000 });
      expect(settled.attempts).toEqual([{ kind: 'user', retryOn: true, round: endTime, reason: `The task exited with code ${code}, one of RetryOn's exit codes: run 2 of at most 3 follows after 30 s.` }]);
    }
  });

  it('does not rerun an exit code outside the list: the task fails at once', () => {
    for (const code of [1, 139, 144]) {
      const settled = settle(task({ observation: exited(code), retryOn }));
      expect(settled).toMatchObject({ kind: 'outcome', outcome: { status: 'Failed', exitCode: code }, attempts: [] });
    }
  });

  it('stops at MaxAttempts runs, counting Batch\'s MaxRetries reruns, and says so', () => {
    const first = settle(task({ observation: exited(137), retryOn }));
    const second = settle(task({ observation: { ...exited(137), endTime: '2026-03-01T10:01:00.000Z' }, retryOn, attempts: first.attempts }));
    expect(second.kind).toBe('rerun');
    const third = settle(task({ observation: { ...exited(137), endTime: '2026-03-01T10:02:00.000Z' }, retryOn, attempts: second.attempts }));
    expect(third).toMatchObject({ kind: 'outcome', outcome: { status: 'Failed', exitCode: 137 } });
    expect(third.kind === 'outcome' && third.outcome.statusReason).toMatch(/RetryOn's 3 runs are spent\.$/);
    expect(third.attempts).toHaveLength(2);
    // Batch already ran it twice (MaxRetries 2): three runs, none left.
    expect(settle(task({ observation: exited(137, { retryCount: 2 }), retryOn })).kind).toBe('outcome');
  });

  it('never counts requeues (preemptions) or infrastructure reruns against it, and records requeues with their kind once', () => {
    const requeued = exited(137, { requeueCount: 2 });
    const settled = settle(task({ observation: requeued, retryOn, attempts: [infrastructure('upload failed')] }));
    expect(settled.kind).toBe('rerun');
    expect(settled.attempts.map((attempt) => attempt.kind)).toEqual(['infrastructure', 'requeue', 'requeue', 'user']);
    // The next completion has the same requeueCount: nothing new to record for it.
    const later = settle(task({ observation: { ...requeued, endTime: '2026-03-01T10:05:00.000Z' }, retryOn, attempts: settled.attempts }));
    expect(later.attempts.filter((attempt) => attempt.kind === 'requeue')).toHaveLength(2);
    expect(later.kind).toBe('rerun');
  });

  it('leaves successes, aborts and a task without RetryOn as they were', () => {
    expect(settle(task({ retryOn })).kind).toBe('outcome');
    expect(settle(task({ observation: exited(137), retryOn, abortReason: 'stopped' })).kind).toBe('outcome');
    expect(settle(task({ observation: exited(137) })).kind).toBe('outcome');
  });
});
