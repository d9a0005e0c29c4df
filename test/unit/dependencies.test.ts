import { type DependencyFacts, dependencyVerdict, type JobDependencies } from '../../src/model/dependencies';
import { parseWorkflowInput, singleJobInputSchema } from '../../src/model/workflowInputs';

const now = new Date('2026-12-08T10:00:00Z');
const after = (condition: JobDependencies['condition'], ...jobIds: string[]): JobDependencies => ({ jobIds, condition });
const single = (jobId: string, status: DependencyFacts['status'], extra: Partial<DependencyFacts> = {}): DependencyFacts => ({ jobId, exists: true, status, ...extra });

describe('whether the jobs a job depends on let it run', () => {
  it("'succeeded' waits, counting what is done, until every one succeeded (an array: with no failed child)", () => {
    expect(dependencyVerdict(after('succeeded', 'a', 'b'), [single('a', 'Succeeded'), single('b', 'Running')], now)).toEqual({
      kind: 'wait',
      reason: 'Waiting for a and b to succeed (1 of 2 done).',
    });
    expect(dependencyVerdict(after('succeeded', 'a', 'b'), [single('a', 'Succeeded'), single('b', 'Completed', { failedChildren: 0 })], now)).toEqual({ kind: 'go' });
  });

  it("'succeeded' can never hold once a dependency failed for good: its retry window passed, or it had none", () => {
    const failed = single('a', 'Failed', { retryUntil: '2026-12-08T09:00:00Z' });
    expect(dependencyVerdict(after('succeeded', 'a'), [failed], now)).toEqual({ kind: 'never', reason: 'Dependency a failed, so this job (after it succeeded) was not run.' });
    const array = single('a', 'Completed', { failedChildren: 3 });
    expect(dependencyVerdict(after('succeeded', 'a'), [array], now).kind).toBe('never');
    const aborted = single('a', 'Completed', { failedChildren: 0, aborted: true });
    expect(dependencyVerdict(after('succeeded', 'a'), [aborted], now).kind).toBe('never');
  });

  it("'succeeded' keeps waiting on a failed dependency that can still be retried, and says until when", () => {
    const failed = single('a', 'Failed', { retryUntil: '2026-12-08T11:00:00Z' });
    expect(dependencyVerdict(after('succeeded', 'a'), [failed], now)).toEqual({
      kind: 'wait',
      reason: 'Waiting for a to succeed (0 of 1 done). a failed; it can be retried until 2026-12-08T11:00:00Z (remote-batch retry a), else this job fails.',
    });
  });

  it("'ended' goes once each ended either way; 'failed' once every one failed, and never once one succeeded", () => {
    expect(dependencyVerdict(after('ended', 'a', 'b'), [single('a', 'Failed'), single('b', 'Completed', { failedChildren: 2 })], now)).toEqual({ kind: 'go' });
    expect(dependencyVerdict(after('ended', 'a', 'b'), [single('a', 'Failed'), single('b', 'Active')], now)).toEqual({ kind: 'wait', reason: 'Waiting for a and b to end (1 of 2 done).' });
    expect(dependencyVerdict(after('failed', 'a'), [single('a', 'Failed', { retryUntil: '2026-12-09T00:00:00Z' })], now)).toEqual({ kind: 'go' });
    expect(dependencyVerdict(after('failed', 'a', 'b'), [single('a', 'Running'), single('b', 'Succeeded')], now)).toEqual({
      kind: 'never',
      reason: 'Dependency b succeeded, so this job (after it failed) was not run.',
    });
  });

  it('never holds when a dependency does not exist, and names every one missing', () => {
    const verdict = dependencyVerdict(after('ended', 'a', 'b', 'c'), [{ jobId: 'a', exists: false }, single('b', 'Succeeded'), { jobId: 'c', exists: false }], now);
    expect(verdict).toEqual({ kind: 'never', reason: 'Dependencies a and c do not exist (deleted from Temporal?); nothing was run.' });
  });

  it('names at most three jobs in its reason', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const verdict = dependencyVerdict(after('succeeded', ...ids), ids.map((id) => single(id, 'Active')), now);
    expect(verdict).toEqual({ kind: 'wait', reason: 'Waiting for a, b, c and 2 more to succeed (0 of 5 done).' });
  });
});

describe('the after field of a workflow input', () => {
  const input = { environment: { poolId: 'local', connection: 'local' }, body: { kind: 'command', commandLine: 'true' } };

  it("defaults its condition to 'succeeded'", () => {
    expect(parseWorkflowInput(singleJobInputSchema, { ...input, after: { jobIds: ['rb-a'] } }).after).toEqual({ jobIds: ['rb-a'], condition: 'succeeded' });
  });

  it.each([
    [{ jobIds: [] }, /^after\.jobIds must be a list of 1 to 20 job ids; got \[\]\.$/],
    [{ jobIds: Array.from({ length: 21 }, (_, i) => `rb-${i}`) }, /^after\.jobIds must be a list of 1 to 20 job ids/],
    [{ jobIds: ['Not An Id'] }, /^after\.jobIds: 'Not An Id' is not a job id/],
    [{ jobIds: ['rb-a', 'rb-a'] }, /^after\.jobIds names a job more than once\.$/],
    [{ jobIds: ['rb-a'], condition: 'done' }, /^after\.condition must be 'succeeded', 'ended' or 'failed'; got 'done'\.$/],
    [{ jobIds: ['rb-a'], when: 'now' }, /when/],
    ['rb-a', /^after must be \{ jobIds, condition\? \}; got 'rb-a'\.$/],
  ])('refuses %j naming the field and what is allowed', (given, message) => {
    expect(() => parseWorkflowInput(singleJobInputSchema, { ...input, after: given })).toThrow(message);
  });
});
