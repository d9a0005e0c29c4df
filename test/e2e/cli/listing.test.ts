import { runCli } from './support/cli';

const submitted = async (args: string[], exitCode = 0): Promise<string> => {
  const run = await runCli(args);
  expect(run.code).toBe(exitCode);
  return run.stdout.split('\n')[0];
};

describe('remote-batch ls and an array\'s children table', () => {
  it('lists newest first by submission, open or not, a page at a time with "showing N of M"', async () => {
    const old = await submitted(['submit', '--command', 'sleep 30']);
    const middle = await submitted(['submit', '--command', 'true', '--wait']);
    const newest = await submitted(['submit', '--command', 'true', '--wait']);
    try {
      const first = await runCli(['ls', '--limit', '2', '--json']);
      expect(first.code).toBe(0);
      const jobs = JSON.parse(first.stdout) as { jobId: string; JobSubmissionTime: string; JobStartTime?: string; JobCompletionTime?: string }[];
      expect(jobs.map((job) => job.jobId)).toEqual([newest, middle]);
      // Exact times in JSON.
      expect(jobs[0].JobSubmissionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(jobs[0].JobCompletionTime).toMatch(/Z$/);
      const total = Number(/of (\d+) jobs/.exec(first.stderr)?.[1]);
      expect(total).toBeGreaterThanOrEqual(3);
      expect(first.stderr).toBe(`showing 1–2 of ${total} jobs (page 1 of ${Math.ceil(total / 2)}; --page 2 for more)\n`);

      // The old job is still open, and still comes after the newer closed ones.
      const second = await runCli(['ls', '--limit', '2', '--page', '2']);
      expect(second.stdout.split('\n')[0]).toMatch(/^JOB ID +(NAME +)?TYPE +STATUS +SUBMITTED +RAN +REASON$/);
      expect(second.stdout.split('\n')[1]).toMatch(new RegExp(`^${old} +(- +)?Single +(Active|Running) +(just now|\\d+s ago) +(-|[\\d.]+s so far)`));
      const table = await runCli(['ls', '--limit', '2']);
      expect(table.stdout.split('\n')[1]).toMatch(new RegExp(`^${newest} +Single +Succeeded +(just now|\\d+s ago) +[\\d.]+s +`));
    } finally {
      await runCli(['abort', old]);
    }
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
