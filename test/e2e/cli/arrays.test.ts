import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArrayJob, batchEnvironment } from '../../../src/client';
import { waitFor } from '../../support/waitFor';
import { runCli, stackEnv } from './support/cli';
import { PtySession } from './support/pty';

const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', name);

describe('remote-batch with array jobs on the local stack', () => {
  it('maps a script over elements with a live progress bar, then gives results, child statuses and logs', async () => {
    const session = new PtySession(['map', fixture('square.ts'), '--wait', '--', '1', '2', '-3', '4'], stackEnv());
    let arrayId: string;
    try {
      arrayId = (await session.expect(/rb-[0-9a-f-]{36}/)).trim();
      await session.expect(`watching array ${arrayId}: 4 children on pool local`);
      await session.expect(/Completed +\(\+[\d.]+s\) +\[█+\] 4\/4 done \(1 failed\)/);
      expect(await session.exited).toBe(1);
    } finally {
      session.kill();
    }
    // The live bar was drawn on the way (or the array finished before the first look).
    expect(session.raw).toMatch(/\[[█░]+\] +\d\/4 done|Active .*0\/4 done/);

    const [result, status, child, childLog, arrayLog, childResult, listed] = await Promise.all([
      runCli(['result', arrayId]),
      runCli(['status', arrayId, '--json']),
      runCli(['status', `${arrayId}/3`]),
      runCli(['logs', `${arrayId}/2`]),
      runCli(['logs', arrayId]),
      runCli(['result', `${arrayId}/4`, '--json']),
      runCli(['ls', '--type', 'Array', '--json']),
    ]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual([1, 4, null, 16]);
    expect(result.stderr).toContain(`1 of 4 children of ${arrayId} failed:`);
    expect(result.stderr).toContain(`${arrayId}/3: `);
    expect(result.stderr).toContain('cannot square a negative number: -3');

    expect(JSON.parse(status.stdout)).toMatchObject({
      jobId: arrayId,
      JobStatus: 'Completed',
      JobType: 'Array',
      ChildJobCount: 4,
      ChildJobCounts: { active: 0, running: 0, succeeded: 3, failed: 1 },
      ProviderFirstTaskID: '10000001',
    });
    expect(child.stdout).toMatch(/^JobStatus +Failed$/m);
    expect(child.stdout).toMatch(/^JobType +ArrayChild$/m);
    expect(child.stdout).toMatch(/^ProviderTaskID +10000003$/m);
    expect(childLog.stdout).toContain('squaring 2');
    expect(arrayLog.code).toBe(0);
    expect(arrayLog.stdout).toContain(`==> ${arrayId}/1 <==\nsquaring 1\n==> ${arrayId}/2 <==\nsquaring 2\n==> ${arrayId}/3 <==\n`);
    expect(arrayLog.stdout).toMatch(new RegExp(`==> ${arrayId}/4 <==\nsquaring 4\n$`));
    expect(childResult.stdout.trim()).toBe('16');
    expect(JSON.parse(listed.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ jobId: arrayId, JobType: 'Array', JobStatus: 'Completed' })]));

    const missing = await runCli(['status', `${arrayId}/5`]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(`array job ${arrayId} has children 1 to 4; there is no child 5.`);
  });

  it('prints a line per change of the counts when not on a terminal, and child outputs download', async () => {
    const run = await runCli(['map', '--command', '/bin/sh -c "mkdir -p JobOutput && cp $REMOTE_BATCH_ELEMENT_FILE JobOutput/seen.json"', '{"name":"a"}', '{"name":"b"}', '--wait']);
    expect(run.code).toBe(0);
    const [arrayId, ...lines] = run.stdout.trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(/Completed +\(\+[\d.]+s\) +\[█+\] 2\/2 done$/);
    expect(run.stdout).not.toMatch(/\r|\x1b/);

    const into = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-cli-array-'));
    try {
      const download = await runCli(['outputs', `${arrayId}/2`, '--download', into]);
      expect(download.code).toBe(0);
      expect(JSON.parse(fs.readFileSync(path.join(into, 'seen.json'), 'utf8'))).toEqual({ name: 'b' });

      // A whole array: every child's files, under <n>/.
      const listed = await runCli(['outputs', arrayId, '--json']);
      expect(JSON.parse(listed.stdout)).toEqual([
        { child: 1, name: '1/seen.json', size: expect.any(Number) },
        { child: 2, name: '2/seen.json', size: expect.any(Number) },
      ]);
      const all = await runCli(['outputs', arrayId, '--download', into]);
      expect(all.code).toBe(0);
      expect(JSON.parse(fs.readFileSync(path.join(into, '1', 'seen.json'), 'utf8'))).toEqual({ name: 'a' });
      expect(JSON.parse(fs.readFileSync(path.join(into, '2', 'seen.json'), 'utf8'))).toEqual({ name: 'b' });

      // Nothing is overwritten silently: a clear refusal, the file untouched, then --force.
      fs.writeFileSync(path.join(into, '2', 'seen.json'), 'mine');
      const again = await runCli(['outputs', arrayId, '--download', into]);
      expect(again.code).toBe(2);
      expect(again.stderr).toBe(
        `remote-batch: ${path.join(into, '1', 'seen.json')}, ${path.join(into, '2', 'seen.json')} already exist; nothing was downloaded. Pass --force to overwrite, or choose another --download folder.\n`,
      );
      expect(fs.readFileSync(path.join(into, '2', 'seen.json'), 'utf8')).toBe('mine');
      const forced = await runCli(['outputs', arrayId, '--download', into, '--force']);
      expect(forced.code).toBe(0);
      expect(JSON.parse(fs.readFileSync(path.join(into, '2', 'seen.json'), 'utf8'))).toEqual({ name: 'b' });
    } finally {
      fs.rmSync(into, { recursive: true, force: true });
    }
  });

  it('reruns only the failed children with retry', async () => {
    const marker = path.join(os.tmpdir(), `rb-cli-retry-${process.pid}-${Date.now()}`);
    const run = await runCli([
      'map', '--retry-window', '120', '--wait',
      '--command', `/bin/sh -c "if [ $REMOTE_BATCH_CHILD_INDEX = 2 ] && [ ! -e ${marker} ]; then exit 7; fi; echo ok"`,
      '1', '2', '3',
    ]);
    expect(run.code).toBe(1);
    const arrayId = run.stdout.split('\n')[0];
    fs.writeFileSync(marker, '');
    try {
      const retry = await runCli(['retry', arrayId, '--wait']);
      expect(retry.stdout).toContain(`rerunning 1 failed child of ${arrayId}`);
      expect(retry.code).toBe(0);
      expect(retry.stdout).toMatch(/3\/3 done$/m);
    } finally {
      fs.rmSync(marker, { force: true });
    }
    const single = await runCli(['retry', `${arrayId}/1`]);
    expect(single.code).toBe(2);
    expect(single.stderr).toContain('retry the array job');
  });

  it('answers retry of an array with no failed children clearly, after it has closed too (exit 0)', async () => {
    const run = await runCli(['map', '--retry-window', '0', '--wait', '--command', 'true', '1', '2']);
    expect(run.code).toBe(0);
    const arrayId = run.stdout.split('\n')[0];
    // The workflow closes the array (its window is 0 s); retry must still answer plainly.
    const env = batchEnvironment({ poolId: 'local' });
    try {
      await waitFor(() => new ArrayJob(env, arrayId).state(), (state) => state.closed, 30_000, `${arrayId} to close`, 200);
    } finally {
      await env.close();
    }
    const retry = await runCli(['retry', arrayId]);
    expect(retry).toMatchObject({ code: 0, stdout: `${arrayId} has no failed children to retry.\n` });
    const json = await runCli(['retry', arrayId, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ jobId: arrayId, rerun: 0 });
  });

  it('aborts a whole array, or one child', async () => {
    const submitted = await runCli(['map', '--command', 'sleep 30', '1', '2', '3']);
    const arrayId = submitted.stdout.trim();
    const child = await runCli(['abort', `${arrayId}/2`, '--reason', 'just this one', '--wait']);
    expect(child.code).toBe(0);
    expect(child.stdout).toContain(`aborted ${arrayId}/2: just this one`);
    const whole = await runCli(['abort', arrayId, '--reason', 'all of it']);
    expect(whole.code).toBe(0);
    const watch = await runCli(['watch', arrayId]);
    expect(watch.code).toBe(1);
    expect(watch.stdout).toMatch(/Completed .*3\/3 done \(3 failed\)/);
    const reason = await runCli(['status', `${arrayId}/2`, 'JobStatusReason']);
    expect(reason.stdout).toContain('just this one');
  });
});
