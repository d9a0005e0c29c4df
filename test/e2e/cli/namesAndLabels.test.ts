import { azureSdk } from '../../support/azureSdk';
import { runCli } from './support/cli';

/** A word no other test's jobs carry, so the listings below see only these jobs. */
const run = `t${Date.now().toString(36)}`;

async function submitted(args: string[], exitCode = 0): Promise<string> {
  const result = await runCli(args);
  expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: exitCode, stderr: expect.any(String) });
  return result.stdout.split('\n')[0];
}

describe('remote-batch: jobs with names and labels', () => {
  let train: string;
  let evaluation: string;
  let other: string;

  beforeAll(async () => {
    [train, evaluation, other] = await Promise.all([
      submitted(['submit', '--wait', '--command', 'true', '--name', `${run}-train`, '--label', `team=${run}`, '--label', 'run=42']),
      submitted(['map', '--wait', '--command', 'true', '--name', `${run}-eval`, '--label', `team=${run}`, '1', '2', '3']),
      submitted(['submit', '--wait', '--command', 'true', '--name', `${run}-other`, '--label', `team=${run}-not`]),
    ]);
  });

  it('lists the jobs of a label, of a name, and of a name prefix', async () => {
    const ids = async (args: string[]) => {
      const listed = await runCli(['ls', '--json', ...args]);
      expect(listed.code).toBe(0);
      return (JSON.parse(listed.stdout) as { jobId: string }[]).map((job) => job.jobId).sort();
    };
    expect(await ids(['--label', `team=${run}`])).toEqual([train, evaluation].sort());
    expect(await ids(['--label', `team=${run}`, '--label', 'run=42'])).toEqual([train]);
    expect(await ids(['--name', `${run}-other`])).toEqual([other]);
    expect(await ids(['--name', `${run}*`])).toEqual([train, evaluation, other].sort());
    expect(await ids(['--name', `${run}-e*`, '--type', 'Array'])).toEqual([evaluation]);
  });

  it('shows the name in the table and in JSON, and name and labels in status', async () => {
    const table = await runCli(['ls', '--label', `team=${run}`]);
    expect(table.stdout.split('\n')[0]).toMatch(/^JOB ID +NAME +TYPE +STATUS +SUBMITTED +RAN +REASON$/);
    expect(table.stdout).toMatch(new RegExp(`^${train} +${run}-train +Single +Succeeded `, 'm'));
    expect(table.stderr).toBe('showing all 2 matching jobs\n');

    const listed = JSON.parse((await runCli(['ls', '--json', '--name', `${run}-train`])).stdout) as unknown[];
    expect(listed).toEqual([expect.objectContaining({ jobId: train, JobName: `${run}-train`, JobLabels: { team: run, run: '42' } })]);

    const status = await runCli(['status', evaluation]);
    expect(status.stdout).toMatch(new RegExp(`^JobName +${run}-eval$`, 'm'));
    expect(status.stdout).toMatch(new RegExp(`^JobLabels +\\{\\n +"team": "${run}"\\n +\\}$`, 'm'));
    // A child carries its array's name and labels.
    expect((await runCli(['status', `${evaluation}/2`, 'JobName'])).stdout).toBe(`${run}-eval\n`);
  });

  it('names the Azure job and gives it the labels as metadata', async () => {
    const job = await azureSdk().batch.job.get(train);
    expect(job.displayName).toBe(`${run}-train`);
    expect(job.metadata).toEqual(expect.arrayContaining([{ name: `label:team`, value: run }, { name: 'label:run', value: '42' }]));
  });

  it.each([
    [['submit', '--command', 'true', '--name', 'two words'], "name must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit; got 'two words'."],
    [['submit', '--command', 'true', '--label', 'team'], "label 'team' must be KEY=VALUE, e.g. team=vision."],
    [['map', '--command', 'true', '--label', 'a=b=c"', '1'], 'labels.a: the value \'b=c"\' must be at most 256 characters, none of them a control character, a quote or a backslash'],
    [['ls', '--name', 'night*ly'], "name filter 'night*ly' must be a name"],
  ])('refuses %j before anything is created, naming the field', async (args, message) => {
    const refused = await runCli(args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(message);
    expect(refused.stdout).toBe('');
  });
});
