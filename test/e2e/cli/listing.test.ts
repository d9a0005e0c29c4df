import os from 'node:os';
import path from 'node:path';
import { waitFor } from '../../support/waitFor';
import { runCli } from './support/cli';

const submitted = async (args: string[], exitCode = 0): Promise<string> => {
  const run = await runCli(args);
  expect(run.code).toBe(exitCode);
  return run.stdout.split('\n')[0];
};

/** The ids `ls --json` (or `clean --dry-run --json`) prints with these arguments, on one page large enough for every job here. */
const listedIds = async (args: string[]): Promise<string[]> => {
  const run = await runCli(args);
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { jobId: string }[]).map((job) => job.jobId);
};

describe('remote-batch ls and an array\'s children table', () => {
  it('lists jobs in progress first, then finished ones by when they ended, a page at a time over Temporal\'s page token', async () => {
    const old = await submitted(['submit', '--command', 'sleep 30']);
    const middle = await submitted(['submit', '--command', 'true', '--wait']);
    const newest = await submitted(['submit', '--command', 'true', '--wait']);
    try {
      const all = await listedIds(['ls', '--limit', '1000', '--json']);
      const at = (id: string) => all.indexOf(id);
      expect([at(old), at(newest), at(middle)].every((index) => index >= 0)).toBe(true);
      expect(at(old)).toBeLessThan(at(newest));
      expect(at(newest)).toBeLessThan(at(middle));
      expect(new Set(all).size).toBe(all.length);

      const first = await runCli(['ls', '--limit', '2', '--json']);
      expect(first.code).toBe(0);
      const jobs = JSON.parse(first.stdout) as { jobId: string; JobSubmissionTime: string; JobCompletionTime?: string }[];
      expect(jobs).toHaveLength(2);
      expect(jobs[0].JobSubmissionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const token = /^showing 2 jobs; more: remote-batch ls --limit 2 --page-token (\S+)\n$/.exec(first.stderr)?.[1];
      expect(token).toBeDefined();

      // The next page goes on where the first stopped: none of its jobs again.
      const second = await runCli(['ls', '--limit', '2', '--page-token', token!]);
      expect(second.code).toBe(0);
      expect(second.stdout.split('\n')[0]).toMatch(/^JOB ID +(NAME +)?TYPE +STATUS +SUBMITTED +RAN +REASON$/);
      const secondIds = second.stdout.split('\n').slice(1).filter(Boolean).map((line) => line.split(' ')[0]);
      expect(secondIds.length).toBeGreaterThan(0);
      expect(secondIds.filter((id) => jobs.some((job) => job.jobId === id))).toEqual([]);

      const table = await runCli(['ls', '--limit', '1000']);
      // A NAME column when some listed job has a name: these have none.
      expect(table.stdout).toMatch(new RegExp(`^${old} +(- +)?Single +(Active|Running) +(just now|\\d+s ago) +(-|[\\d.]+s so far)`, 'm'));
      expect(table.stdout).toMatch(new RegExp(`^${newest} +(- +)?Single +Succeeded +(just now|\\d+s ago) +[\\d.]+s +`, 'm'));
      expect(table.stderr).toMatch(/^showing all \d+ jobs\n$/);

      const badToken = await runCli(['ls', '--page-token', 'not a token!']);
      expect(badToken.code).toBe(2);
      expect(badToken.stderr).toContain('continuationToken must be a page');
    } finally {
      await runCli(['abort', old]);
    }
  });

  it('lists a job that failed and then succeeded on retry once, as Succeeded: ls --status Failed and clean --status Failed leave it out', async () => {
    const marker = path.join(os.tmpdir(), `rb-listing-${process.pid}-${Date.now()}`);
    const jobId = await submitted(['submit', '--command', `/bin/sh -c "if [ -e ${marker} ]; then echo ok; else touch ${marker}; exit 3; fi"`, '--wait'], 1);
    expect((await runCli(['retry', jobId, '--wait'])).code).toBe(0);

    // Temporal's visibility store catches up with the retry run within moments.
    const listed = await waitFor(
      async () => JSON.parse((await runCli(['ls', '--limit', '1000', '--json'])).stdout) as { jobId: string; JobStatus: string }[],
      (jobs) => jobs.some((job) => job.jobId === jobId && job.JobStatus === 'Succeeded'),
      { timeoutMs: 30_000, intervalMs: 250, what: `${jobId} listed as Succeeded` },
    );
    expect(listed.filter((job) => job.jobId === jobId)).toEqual([expect.objectContaining({ JobStatus: 'Succeeded' })]);
    expect(await listedIds(['ls', '--status', 'Failed', '--limit', '1000', '--json'])).not.toContain(jobId);
    expect(await listedIds(['clean', '--older-than', '0s', '--status', 'Failed', '--dry-run', '--json'])).not.toContain(jobId);
    // A dry run counts jobs, not runs: two runs, one job.
    expect((await listedIds(['clean', '--older-than', '0s', '--dry-run', '--json'])).filter((id) => id === jobId)).toEqual([jobId]);
    // An age before any job could have run (100 years, the most it takes) means every finished job.
    expect(await listedIds(['clean', '--older-than', '36500d', '--dry-run', '--json'])).toContain(jobId);
  });

  it("shows an array's children as a table under its status, a page at a time", async () => {
    const arrayId = await submitted(['map', '--wait', '--command', '/bin/sh -c "exit $REMOTE_BATCH_CHILD_INDEX"', '0', '0', '0'], 1);
    const whole = await runCli(['status', arrayId]);
    expect(whole.code).toBe(0);
    const lines = whole.stdout.split('\n');
    const header = lines.findIndex((line) => /^CHILD +STATUS +EXIT +RAN +REASON$/.test(line));
    expect(header).toBeGreaterThan(0);
    expect(lines[header + 1]).toMatch(new RegExp(`^${arrayId}/1 +Failed +1 +[\\d.]+s +`));
    expect(lines[header + 3]).toMatch(new RegExp(`^${arrayId}/3 +Failed +3 +[\\d.]+s +`));
    expect(whole.stdout).toMatch(/^JobSubmissionTime +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \((just now|\d+s ago)\)$/m);
    expect(whole.stderr).toBe('showing all 3 children\n');

    const paged = await runCli(['status', arrayId, '--limit', '2', '--page', '2', '--json']);
    const json = JSON.parse(paged.stdout) as { children: { jobId: string; child: number; JobStatus: string; JobExitCode: number; JobCompletionTime: string }[] };
    expect(json.children).toEqual([expect.objectContaining({ jobId: `${arrayId}/3`, child: 3, JobStatus: 'Failed', JobExitCode: 3, JobCompletionTime: expect.stringMatching(/Z$/) })]);
    expect(paged.stderr).toBe('showing 3–3 of 3 children (page 2 of 2)\n');
  });
});
