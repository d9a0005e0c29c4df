import { isNotified, notificationBody, notifySecretVariable } from '../../src/model/notifications';
import { initialArrayJobState } from '../../src/model/jobStates';
import { arrayJobInputSchema, parseWorkflowInput, singleJobInputSchema } from '../../src/model/workflowInputs';

const input = { environment: { poolId: 'local', connection: 'local' }, body: { kind: 'command', commandLine: 'true' } };

describe("a job's notify field", () => {
  it("takes an http(s) URL, a secret's name and when, 'end' by default", () => {
    expect(parseWorkflowInput(singleJobInputSchema, { ...input, notify: { url: 'https://hooks.example.com/batch', secret: 'TEAM_HOOK' } }).notify).toEqual({
      url: 'https://hooks.example.com/batch',
      secret: 'TEAM_HOOK',
      on: 'end',
    });
    expect(notifySecretVariable('team_hook')).toBe('REMOTE_BATCH_NOTIFY_SECRET_TEAM_HOOK');
  });

  it.each([
    ['an ftp URL', { url: 'ftp://example.com/x' }, /^notify\.url must be an http or https URL of at most 2048 characters; got 'ftp:\/\/example\.com\/x'\.$/],
    ['no URL', { url: 'not a url' }, /^notify\.url must be an http or https URL/],
    ['a URL past 2,048 characters', { url: `https://example.com/${'x'.repeat(2048)}` }, /^notify\.url must be an http or https URL of at most 2048/],
    ['a secret that is not a name', { url: 'https://example.com', secret: 's3cr3t value' }, /^notify\.secret must name a secret the workers know/],
    ['an unknown on', { url: 'https://example.com', on: 'always' }, /^notify\.on must be 'end' or 'changes'; got 'always'\.$/],
    ['an unknown field', { url: 'https://example.com', secretValue: 'x' }, /secretValue/],
  ])('refuses %s naming the field and what is allowed', (_what, notify, message) => {
    expect(() => parseWorkflowInput(singleJobInputSchema, { ...input, notify })).toThrow(message);
  });
});

describe('what is notified', () => {
  it("'end' tells only a final status; 'changes' every one", () => {
    const end = { url: 'https://example.com', on: 'end' as const };
    expect(['Active', 'Running', 'Succeeded', 'Failed', 'Completed'].map((status) => isNotified(end, status as never))).toEqual([false, false, true, true, true]);
    expect(isNotified({ ...end, on: 'changes' }, 'Running')).toBe(true);
  });

  it("an array's body has its counts and no input, settings or environment", () => {
    const checked = parseWorkflowInput(arrayJobInputSchema, { ...input, elementCount: 3, labels: { team: 'vision' }, settings: { environmentVariables: { TOKEN: 'x' } } });
    const state = { ...initialArrayJobState(checked, 'rb-a', '2026-12-08T01:00:00.000Z'), status: 'Completed' as const, completedAt: '2026-12-08T01:05:00.000Z' };
    expect(notificationBody(state, 2)).toEqual({
      delivery: 2,
      jobId: 'rb-a',
      jobType: 'Array',
      status: 'Completed',
      labels: { team: 'vision' },
      poolId: 'local',
      submittedAt: '2026-12-08T01:00:00.000Z',
      completedAt: '2026-12-08T01:05:00.000Z',
      childCount: 3,
      counts: { active: 3, running: 0, succeeded: 0, failed: 0 },
    });
  });
});
