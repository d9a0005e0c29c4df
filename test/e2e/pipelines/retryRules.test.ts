import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mapSubmit } from '../../../src/client';
import { InvalidSettingError } from '../../../src/model/errors';
import { runCli } from '../cli/support/cli';
import { stackEnvironments } from '../support/environments';

/** Each run of a task appends its start (ns) to a file named after it, so the test counts runs and their spacing. */
function runLog(): { dir: string; runs(name: string): number[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-retry-on-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    runs: (name) => {
      const file = path.join(dir, name);
      return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => Number(line.slice(0, -6))) : [];
    },
  };
}

describe('RetryOn: reruns earned by exit code, beside MaxRetries', () => {
  const { local: env } = stackEnvironments();
  const log = runLog();

  it('reruns an array child that exited 137 and not one that exited 1; a code that keeps coming stops at MaxAttempts, BackoffSeconds apart', async () => {
    // Child 1 exits 137 on its first run only; child 2 exits 1; child 3 always 143; child 4 succeeds.
    const script =
      `n=$REMOTE_BATCH_CHILD_INDEX; f=${log.dir}/child-$n; runs=$(cat $f 2>/dev/null | wc -l); date +%s%N >> $f; ` +
      'case $n in 1) [ $runs -eq 0 ] && exit 137; exit 0;; 2) exit 1;; 3) exit 143;; *) exit 0;; esac';
    const array = await mapSubmit(env, { command: `/bin/sh -c '${script}'` }, [1, 2, 3, 4], {
      settings: { RetryOn: { ExitCodes: [137, { Start: 140, End: 143 }], MaxAttempts: 3, BackoffSeconds: 1 } },
    });
    expect(await array.get('ProviderSettings')).toMatchObject({ RetryOn: { ExitCodes: [137, { Start: 140, End: 143 }], MaxAttempts: 3, BackoffSeconds: 1 } });
    await array.wait({ abortSignal: AbortSignal.timeout(120_000) });

    expect(await array.get('ChildJobStatuses')).toEqual(['Succeeded', 'Failed', 'Failed', 'Succeeded']);
    expect(await array.get('ChildJobExitCodes')).toEqual([0, 1, 143, 0]);
    expect([1, 2, 3, 4].map((child) => log.runs(`child-${child}`).length)).toEqual([2, 1, 3, 1]);
    const third = log.runs('child-3');
    for (let at = 1; at < third.length; at++) expect(third[at] - third[at - 1]).toBeGreaterThanOrEqual(1000);

    expect(await array.child(1).get('JobAttempts')).toEqual([
      { Attempt: 1, Kind: 'user', Status: 'Retried', Reason: "The task exited with code 137, one of RetryOn's exit codes: run 2 of at most 3 follows after 1 s." },
      { Attempt: 2, Status: 'Succeeded', Reason: 'The task exited with code 0 and its outputs were uploaded.' },
    ]);
    expect(await array.child(2).get('JobAttempts')).toHaveLength(1);
    expect(await array.child(3).get('JobAttempts')).toHaveLength(3);
    expect(await array.child(3).get('JobStatusReason')).toMatch(/exited with code 143\. RetryOn's 3 runs are spent\.$/);
  });

  it('reruns a single job from the CLI by its exit code, and fails one whose code is not listed after one run', async () => {
    const flaky = `/bin/sh -c 'f=${log.dir}/single; runs=$(cat $f 2>/dev/null | wc -l); date +%s%N >> $f; [ $runs -eq 0 ] && exit 143; exit 0'`;
    const rerun = await runCli(['submit', '--command', flaky, '--retry-on', '137,143', '--retry-attempts', '2', '--wait', '--json']);
    expect(rerun.code).toBe(0);
    const jobId = JSON.parse(rerun.stdout.split('\n')[0]).jobId as string;
    expect(log.runs('single')).toHaveLength(2);
    const attempts = JSON.parse((await runCli(['status', jobId, 'JobAttempts', '--json'])).stdout).JobAttempts;
    expect(attempts).toMatchObject([{ Attempt: 1, Kind: 'user', Status: 'Retried' }, { Attempt: 2, Status: 'Succeeded' }]);

    const failing = await runCli(['submit', '--command', `/bin/sh -c 'date +%s%N >> ${log.dir}/exit-1; exit 1'`, '--retry-on', '137', '--wait']);
    expect(failing.code).toBe(1);
    expect(log.runs('exit-1')).toHaveLength(1);
  });

  it('refuses codes out of range, MaxAttempts below 2, and --retry-attempts alone, naming RetryOn', async () => {
    const refused = await mapSubmit(env, { command: 'true' }, [1], { settings: { RetryOn: { ExitCodes: [300] } } }).catch((error: InvalidSettingError) => error);
    expect(refused).toBeInstanceOf(InvalidSettingError);
    expect(refused).toMatchObject({ setting: 'RetryOn', message: expect.stringMatching(/^RetryOn\.ExitCodes: 300 is not an exit code; exit codes are whole numbers from 1 to 255/) });
    const zero = await runCli(['submit', '--command', 'true', '--retry-on', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('RetryOn.ExitCodes: 0 is not an exit code');
    const once = await runCli(['submit', '--command', 'true', '--retry-on', '137', '--retry-attempts', '1']);
    expect(once.code).toBe(2);
    expect(once.stderr).toContain('RetryOn.MaxAttempts must be a whole number from 2 to 100');
    const alone = await runCli(['submit', '--command', 'true', '--retry-attempts', '3']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--retry-attempts and --retry-backoff go with --retry-on');
    const word = await runCli(['map', '--command', 'true', '--retry-on', '13x', '1']);
    expect(word.code).toBe(2);
    expect(word.stderr).toContain("'13x' is not an exit code or a range");
  });
});
