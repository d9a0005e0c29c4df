import { downloadPath, pickOutputs } from '../../../src/cli/commands/outputs';
import { jobTableLines } from '../../../src/cli/commands/ls';
import { explainError } from '../../../src/cli/errors';
import { formatAge, formatBytes, formatDuration, formatProperties, formatRunTime, formatTable, formatTime, pageLine, progressBar, transitionLine } from '../../../src/cli/render';
import { splitAddress } from '../../../src/cli/reachability';
import { arrayProgressText, arraySucceeded, exitCodeForStatus, newTransitions } from '../../../src/cli/watchJob';
import type { SingleJobState } from '../../../src/model/jobStates';

const baseState: SingleJobState = {
  jobId: 'rb-1',
  taskId: '10000000',
  poolId: 'local',
  status: 'Active',
  submittedAt: '2025-01-01T10:00:00.000Z',
  inputNames: [],
  attempts: [],
  settings: { containerImage: 'node:20-slim', jobPriority: 0, vcpuCount: 1 },
};

describe('rendering', () => {
  it('says how long ago and how long, as a person would', () => {
    const now = new Date('2025-01-03T12:00:00.000Z');
    const ago = (seconds: number) => formatAge(new Date(now.getTime() - seconds * 1000), now);
    expect([2, 45, 300, 7200, 2 * 86_400].map(ago)).toEqual(['just now', '45s ago', '5m ago', '2h ago', '2d ago']);
    expect(formatTime(new Date('2025-01-03T11:55:00.000Z'), now)).toBe('2025-01-03 11:55:00 UTC (5m ago)');
    expect(formatRunTime(undefined, undefined, now)).toBe('-');
    expect(formatRunTime(new Date('2025-01-03T11:59:00.000Z'), undefined, now)).toBe('1m 00s so far');
  });

  it('says which part of a listing is shown', () => {
    expect(pageLine({ total: 3, page: 1, pageSize: 50, shown: 3 })).toBe('showing all 3 jobs');
    expect(pageLine({ total: 1, page: 1, pageSize: 50, shown: 1 }, 'matching jobs')).toBe('showing the only matching job');
    expect(pageLine({ total: 230, page: 2, pageSize: 50, shown: 50 })).toBe('showing 51–100 of 230 jobs (page 2 of 5; --page 3 for more)');
    expect(pageLine({ total: 230, page: 5, pageSize: 50, shown: 30 }, 'children')).toBe('showing 201–230 of 230 children (page 5 of 5)');
    expect(pageLine({ total: 20, page: 9, pageSize: 10, shown: 0 })).toBe('showing 0 of 20 jobs (there are 2 pages)');
  });

  it('formats durations and sizes the way people read them', () => {
    expect([0, 400, 12_345, 184_000, 7_500_000].map(formatDuration)).toEqual(['0.0s', '0.4s', '12.3s', '3m 04s', '2h 05m']);
    expect([0, 512, 1536, 3 * 1024 * 1024].map(formatBytes)).toEqual(['0 B', '512 B', '1.5 KiB', '3.0 MiB']);
  });

  it('aligns tables without padding the last column', () => {
    expect(formatTable(['ID', 'STATUS'], [['rb-1', 'Running'], ['rb-22', 'Failed']])).toEqual(['ID     STATUS', 'rb-1   Running', 'rb-22  Failed']);
  });

  it('lists properties with times as exact UTC plus their age, and objects as indented JSON', () => {
    const lines = formatProperties([
      ['JobStatus', 'Succeeded'],
      ['JobStartTime', new Date('2025-01-01T10:00:01.000Z')],
      ['ProviderSettings', { VCPUCount: 2 }],
      ['JobExitCode', undefined],
    ]);
    expect(lines).toEqual([
      'JobStatus         Succeeded',
      expect.stringMatching(/^JobStartTime      2025-01-01 10:00:01 UTC \(\d+d ago\)$/),
      'ProviderSettings  {',
      '                    "VCPUCount": 2',
      '                  }',
      'JobExitCode       -',
    ]);
  });

  it('writes a transition with its offset from submission and what ended the job', () => {
    const at = new Date(2025, 0, 1, 10, 0, 5);
    expect(transitionLine(at, 5_200, 'Failed', { exitCode: 3, reason: 'exited with code 3' })).toBe('10:00:05  Failed     (+5.2s) — exit code 3; exited with code 3');
    expect(transitionLine(at, 0, 'Running', {}, true)).toContain('\x1b[36mRunning  \x1b[0m');
  });

  it('draws a progress bar for array jobs', () => {
    expect(progressBar(0, 4, 8)).toBe('[░░░░░░░░] 0/4 done');
    expect(progressBar(2, 4, 8, 1)).toBe('[████░░░░] 2/4 done (1 failed)');
    expect(progressBar(4, 4, 8)).toBe('[████████] 4/4 done');
  });

  it('lists jobs as a table', () => {
    const now = new Date('2025-01-01T10:05:30.000Z');
    const lines = jobTableLines(
      [
        { jobId: 'rb-2', JobType: 'Single', JobStatus: 'Running', JobSubmissionTime: new Date('2025-01-01T10:05:00.000Z'), JobStartTime: new Date('2025-01-01T10:05:10.000Z') },
        { jobId: 'rb-1', JobType: 'Single', JobStatus: 'Failed', JobSubmissionTime: new Date('2025-01-01T10:00:00.000Z'), JobStartTime: new Date('2025-01-01T10:00:01.000Z'), JobCompletionTime: new Date('2025-01-01T10:00:04.500Z'), JobStatusReason: 'exited with code 3' },
      ],
      false,
      now,
    );
    expect(lines[0]).toMatch(/^JOB ID +TYPE +STATUS +SUBMITTED +RAN +REASON$/);
    expect(lines[1]).toMatch(/^rb-2 +Single +Running +30s ago +20\.0s so far$/);
    expect(lines[2]).toMatch(/^rb-1 +Single +Failed +5m ago +3\.5s +exited with code 3$/);
  });
});

describe('watch', () => {
  it('reports every status a job passed between two looks, at the recorded times', () => {
    const finished: SingleJobState = { ...baseState, status: 'Succeeded', startedAt: '2025-01-01T10:00:01.000Z', completedAt: '2025-01-01T10:00:02.000Z', exitCode: 0 };
    const steps = newTransitions(finished, ['Active']);
    expect(steps.map((step) => step.status)).toEqual(['Running', 'Succeeded']);
    expect(steps[1]).toMatchObject({ exitCode: 0, at: new Date('2025-01-01T10:00:02.000Z') });
    expect(newTransitions(finished, ['Active', 'Running', 'Succeeded'])).toEqual([]);
  });

  it('goes from Active straight to Failed for a job aborted before it ran', () => {
    const aborted: SingleJobState = { ...baseState, status: 'Failed', statusReason: 'aborted', completedAt: '2025-01-01T10:00:02.000Z' };
    expect(newTransitions(aborted, []).map((step) => step.status)).toEqual(['Active', 'Failed']);
  });

  it("shows a retried job's earlier run, its failure included, before the current run", () => {
    const retried: SingleJobState = {
      ...baseState,
      status: 'Succeeded',
      startedAt: '2025-01-01T10:00:05.000Z',
      completedAt: '2025-01-01T10:00:06.000Z',
      exitCode: 0,
      attempts: [{ runId: 'run-1', status: 'Failed', statusReason: 'The task exited with code 3.', exitCode: 3, startedAt: '2025-01-01T10:00:01.000Z', completedAt: '2025-01-01T10:00:02.000Z' }],
    };
    const steps = newTransitions(retried, []);
    expect(steps.map((step) => [step.status, step.attempt])).toEqual([
      ['Active', undefined],
      ['Running', 1],
      ['Failed', 1],
      ['Running', 2],
      ['Succeeded', 2],
    ]);
    expect(steps[2]).toMatchObject({ exitCode: 3, reason: 'The task exited with code 3.', retried: true, at: new Date('2025-01-01T10:00:02.000Z') });
    // A watch that already showed the first run's failure shows only the new run's steps.
    expect(newTransitions(retried, ['Active', '1:Running', '1:Failed']).map((step) => step.key)).toEqual(['2:Running', '2:Succeeded']);
  });

  it('shows an array as a bar with what is running and waiting', () => {
    const state = { childCount: 12, counts: { active: 2, running: 4, succeeded: 5, failed: 1 } };
    expect(arrayProgressText(state, 12)).toBe('[██████░░░░░░]  6/12 done (1 failed) · 4 running · 2 waiting');
    expect(arraySucceeded({ counts: state.counts })).toBe(false);
    expect(arraySucceeded({ counts: { active: 0, running: 0, succeeded: 12, failed: 0 } })).toBe(true);
    expect(arraySucceeded({ counts: { active: 0, running: 0, succeeded: 3, failed: 0 }, abortReason: 'stop' })).toBe(false);
  });

  it('exits 0 for Succeeded/Completed and 1 for Failed', () => {
    expect(['Succeeded', 'Completed', 'Failed'].map(exitCodeForStatus)).toEqual([0, 0, 1]);
  });
});

describe('outputs', () => {
  const files = [
    { name: 'report.txt', size: 3, blobName: '10000000/$TaskOutput/JobOutput/report.txt' },
    { name: 'plots/a.png', size: 9, blobName: '10000000/$TaskOutput/JobOutput/plots/a.png' },
  ];

  it('keeps downloads inside the chosen folder', () => {
    expect(downloadPath('/tmp/out', 'plots/a.png')).toBe('/tmp/out/plots/a.png');
    expect(() => downloadPath('/tmp/out', '../escape.txt')).toThrow(/outside/);
    expect(() => downloadPath('/tmp/out', '/etc/passwd')).toThrow(/outside/);
  });

  it('picks named outputs, suggesting the closest for a wrong name', () => {
    expect(pickOutputs(files, [])).toBe(files);
    expect(pickOutputs(files, ['plots/a.png'])).toEqual([files[1]]);
    expect(() => pickOutputs(files, ['report.tx'])).toThrow("Did you mean 'report.txt'?");
  });
});

describe('errors', () => {
  const named = (name: string, message: string, extra: object = {}) => Object.assign(new Error(message), { name }, extra);

  it('maps each failure a user can act on to its exit code and one line', () => {
    expect(explainError(named('JobNotFoundError', 'No job rb-x in this environment (AzureBatch(...)).', { jobId: 'rb-x' }), { environment: 'pool local, connection local' })).toEqual({
      message: 'no job rb-x in this environment (pool local, connection local)',
      exitCode: 3,
    });
    expect(explainError(named('PoolNotFoundError', "PoolID: there is no pool 'x'")).exitCode).toBe(3);
    expect(explainError(named('InvalidSettingError', 'JobPriority must be ...')).exitCode).toBe(2);
    expect(explainError(named('ConnectionsFileError', 'The connections file /x is not valid')).exitCode).toBe(5);
    expect(explainError(named('ConnectionCheckError', 'Azure Batch refused the credentials', { reason: 'refused' })).exitCode).toBe(5);
    expect(explainError(named('ConnectionCheckError', 'Azure Batch could not be reached', { reason: 'unreachable' })).exitCode).toBe(6);
    expect(explainError(Object.assign(new Error('Server failed to authenticate'), { statusCode: 403 })).exitCode).toBe(5);
    expect(explainError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10000'), { code: 'ECONNREFUSED' })).exitCode).toBe(6);
    const storageDown = explainError(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'REQUEST_SEND_ERROR', cause: { code: 'ECONNREFUSED' }, request: { url: 'http://127.0.0.1:10000/devstoreaccount1/job-x/blob?sv=2024&sig=SECRET' } }),
    );
    expect(storageDown).toEqual({ message: "cannot reach http://127.0.0.1:10000; check the connection's endpoints (remote-batch env).", exitCode: 6 });
    expect(explainError(new Error('something odd\n    at x')).message).toBe('something odd');
  });

  it('splits Temporal addresses', () => {
    expect(splitAddress('127.0.0.1:7233')).toEqual({ host: '127.0.0.1', port: 7233 });
    expect(splitAddress('[::1]:7000')).toEqual({ host: '::1', port: 7000 });
    expect(splitAddress('my-ns.tmprl.cloud')).toEqual({ host: 'my-ns.tmprl.cloud', port: 7233 });
  });
});
