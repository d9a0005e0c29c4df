import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binPath, runCli, stackEnv } from './support/cli';
import { PtySession } from './support/pty';

const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', name);

async function submitted(args: string[]): Promise<string> {
  const run = await runCli(['submit', ...args]);
  expect(run.stderr).toContain('follow it with: remote-batch watch');
  expect(run.code).toBe(0);
  const jobId = run.stdout.trim();
  expect(jobId).toMatch(/^rb-[0-9a-f-]{36}$/);
  return jobId;
}

async function untilStatus(jobId: string, status: string, timeoutInMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const run = await runCli(['status', jobId, 'JobStatus']);
    if (run.stdout.trim() === status) return;
    if (Date.now() > deadline) throw new Error(`${jobId} never reached ${status}; last ${run.stdout}${run.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('remote-batch with jobs on the local stack', () => {
  let scratch: string;
  beforeAll(() => (scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-cli-jobs-'))));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('submits a script job, shows its statuses on a terminal, and gives its result, log and properties', async () => {
    const jobId = await submitted([fixture('add.ts'), '2', '3', '--vcpu-count', '2']);

    const watch = new PtySession(['watch', jobId], stackEnv());
    try {
      await watch.expect(`watching ${jobId} on pool local`);
      await watch.expect(/\d\d:\d\d:\d\d {2}Active +\(\+\d+\.\ds\)/);
      await watch.expect(/\d\d:\d\d:\d\d {2}Running +\(\+\d+\.\ds\)/);
      await watch.expect(/\d\d:\d\d:\d\d {2}Succeeded +\(\+\d+\.\ds\) — exit code 0/);
      expect(await watch.exited).toBe(0);
    } finally {
      watch.kill();
    }

    // Reads are independent: run them side by side, as several terminals would.
    const [result, resultJson, log, errorLog, status, plain, listed, table] = await Promise.all([
      runCli(['result', jobId]),
      runCli(['result', jobId, '--json']),
      runCli(['logs', jobId]),
      runCli(['logs', jobId, '--stderr']),
      runCli(['status', jobId, '--json']),
      runCli(['status', jobId]),
      runCli(['ls', '--json']),
      runCli(['ls', '--status', 'Succeeded']),
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ sum: 5, processors: 2 });
    expect(resultJson.stdout.trim()).toBe('{"sum":5,"processors":2}');
    expect(log.code).toBe(0);
    expect(log.stdout).toContain('adding 2 and 3');
    expect(errorLog.stdout).toContain('a warning the job logged');
    expect(JSON.parse(status.stdout)).toMatchObject({
      jobId,
      JobStatus: 'Succeeded',
      JobType: 'Single',
      JobExitCode: 0,
      ProviderTaskID: '10000000',
      ProviderSettings: { VCPUCount: 2 },
    });
    expect(plain.stdout).toMatch(/^JobStatus +Succeeded$/m);
    expect(JSON.parse(listed.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ jobId, JobStatus: 'Succeeded', JobType: 'Single' })]));
    expect(table.stdout).toMatch(new RegExp(`^${jobId} +(- +)?Single +Succeeded `, 'm'));
  });

  it('prints one plain line per status when not on a terminal, or JSON lines', async () => {
    const jobId = await submitted(['--command', '/bin/sh -c "exit 3"']);
    const [plain, json] = await Promise.all([runCli(['watch', jobId]), runCli(['watch', jobId, '--json'])]);
    expect(plain.code).toBe(1);
    expect(plain.stdout).not.toMatch(/\x1b|\r/);
    expect(plain.stdout.trim().split('\n').map((line) => line.split(/ +/)[1])).toEqual(['Active', 'Running', 'Failed']);
    expect(plain.stdout).toContain('exit code 3');

    expect(json.code).toBe(1);
    const events = json.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(events.map((event) => event.JobStatus)).toEqual(['Active', 'Running', 'Failed']);
    expect(events[2]).toMatchObject({ JobExitCode: 3 });
  });

  it('stops quietly when whoever reads its output stops reading (| head -1)', () => {
    const pipeline = `set -o pipefail; "${process.execPath}" "${binPath}" submit --command '/bin/sh -c "sleep 1"' --wait | head -1`;
    const run = spawnSync('bash', ['-c', pipeline], { env: stackEnv(), encoding: 'utf8' });
    expect({ code: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ code: 0, stdout: expect.stringMatching(/^rb-[0-9a-f-]+\n$/), stderr: expect.not.stringContaining('EPIPE') });
  });

  it('follows a growing log with logs -f until the job ends', async () => {
    const jobId = await submitted(['--command', '/bin/sh -c "for i in 1 2 3 4; do echo line $i; sleep 0.4; done"']);
    const follow = await runCli(['logs', '-f', jobId]);
    expect(follow.code).toBe(0);
    expect(follow.stdout).toBe('line 1\nline 2\nline 3\nline 4\n');
    const json = await runCli(['logs', jobId, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ jobId, JobLog: 'line 1\nline 2\nline 3\nline 4\n' });
  });

  it('downloads output files byte for byte, keeping their folders', async () => {
    const original = path.join(scratch, 'payload.bin');
    fs.writeFileSync(original, randomBytes(300_000));
    const submit = await runCli([
      'submit',
      '--input', original,
      '--command', '/bin/sh -c "mkdir -p JobOutput/nested && cp payload.bin JobOutput/nested/copy.bin && echo done > JobOutput/note.txt"',
      '--wait',
    ]);
    expect(submit.code).toBe(0);
    const jobId = submit.stdout.split('\n')[0];
    const into = path.join(scratch, 'downloaded');
    const [listing, download, one, missing] = await Promise.all([
      runCli(['outputs', jobId, '--json']),
      runCli(['outputs', jobId, '--download', into]),
      runCli(['outputs', jobId, 'note.txt', '--download', path.join(scratch, 'one')]),
      runCli(['outputs', jobId, 'note.tx']),
    ]);
    expect(JSON.parse(listing.stdout)).toEqual(expect.arrayContaining([{ name: 'nested/copy.bin', size: 300_000 }, { name: 'note.txt', size: 5 }]));
    expect(download.code).toBe(0);
    expect(download.stderr).toContain('downloaded 2 files');
    expect(fs.readFileSync(path.join(into, 'nested', 'copy.bin')).equals(fs.readFileSync(original))).toBe(true);
    expect(fs.readFileSync(path.join(into, 'note.txt'), 'utf8')).toBe('done\n');

    expect(one.code).toBe(0);
    expect(fs.readdirSync(path.join(scratch, 'one'))).toEqual(['note.txt']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("Did you mean 'note.txt'?");
  });

  it('aborts a running job while a terminal watches it: Ctrl-C stops watching, abort ends the job Failed with the reason', async () => {
    const jobId = await submitted(['--command', '/bin/sh -c "echo started; sleep 60"']);
    await untilStatus(jobId, 'Running');

    const interrupted = new PtySession(['watch', jobId], stackEnv());
    try {
      await interrupted.expect(/Running for \d+\.\ds/);
      interrupted.interrupt();
      await interrupted.expect(`stopped watching; ${jobId} goes on`);
      expect(await interrupted.exited).toBe(130);
    } finally {
      interrupted.kill();
    }
    const notYet = await runCli(['result', jobId, '--no-wait']);
    expect(notYet.code).toBe(4);
    expect(notYet.stderr).toContain(`${jobId} is still Running`);

    const watch = new PtySession(['watch', jobId], stackEnv());
    try {
      await watch.expect(/Running for \d+\.\ds/);
      const abort = await runCli(['abort', jobId, '--reason', 'no longer needed']);
      expect(abort.code).toBe(0);
      expect(abort.stdout).toContain(`abort requested for ${jobId}: no longer needed`);
      await watch.expect(/Failed +\(\+[\d.]+s\) — exit code \d+; Terminated at the request of the remote-batch client: no longer needed/);
      expect(await watch.exited).toBe(1);
    } finally {
      watch.kill();
    }

    const [result, again] = await Promise.all([runCli(['result', jobId]), runCli(['abort', jobId])]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${jobId} failed: Terminated at the request of the remote-batch client: no longer needed`);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${jobId} had already ended (Failed); nothing to abort.`);
  });

  it('submit --wait exits with the job: 1 when it fails', async () => {
    const run = await runCli(['submit', '--command', '/bin/sh -c "echo broken >&2; exit 2"', '--wait']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^rb-/);
    expect(run.stdout).toContain('exit code 2');
  });
});
