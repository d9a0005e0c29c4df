import { spawnSync } from 'node:child_process';
import { addJob, readTaskFile, sh, startHarness, waitFor, waitForTaskState, type Harness } from './harness';

const pythonLauncher = spawnSync('python3', ['-c', 'import os, sys; sys.exit(0 if sys.version_info >= (3, 9) and hasattr(os, "pidfd_open") else 1)']).status === 0;
const kinds: Array<'node' | 'python'> = pythonLauncher ? ['node', 'python'] : ['node'];

/** Both launcher programs start a task the same way; only the cost of the start differs. */
describe.each(kinds)('the %s launcher', (launcher) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ persistence: 'memory', launcher });
  });
  afterAll(() => h.close());

  test('runs the command in its working directory with its environment, default signal handling and its own session; exit codes and stdout/stderr come back', async () => {
    const jobId = await addJob(h.client);
    const script = 'echo "cwd=$(pwd)"; echo "var=$GREETING"; grep -E "^Sig(Ign|Blk)" /proc/self/status; cat /proc/$PPID/comm; [ "$(cut -d" " -f6 /proc/self/stat)" = "$(cut -d" " -f6 /proc/$PPID/stat)" ] && echo same-session; echo oops >&2; exit 3';
    await h.client.task.add(jobId, { id: 't', commandLine: sh(script), environmentSettings: [{ name: 'GREETING', value: 'hi' }] });
    const task = await waitForTaskState(h.client, jobId, 't');
    expect(task.executionInfo).toMatchObject({ exitCode: 3, result: 'failure' });
    const [cwd, variable, ignored, blocked, parent, ...rest] = (await readTaskFile(h.client, jobId, 't', 'stdout.txt')).trim().split('\n');
    expect(cwd).toMatch(new RegExp(`/workitems/${jobId}/job-1/t/wd$`));
    expect(variable).toBe('var=hi');
    // SIGINT, SIGPIPE, SIGTERM and SIGXFSZ have their default actions, none is blocked (as under a shell).
    const mask = (line: string) => BigInt(`0x${line.split(/\s+/)[1]}`);
    const standard = (1n << 1n) | (1n << 12n) | (1n << 14n) | (1n << 24n);
    expect([mask(ignored) & standard, mask(blocked) & standard]).toEqual([0n, 0n]);
    // The shell's parent is the launcher; the task has a session of its own.
    expect(parent).toBe(launcher === 'python' ? 'python3' : 'node');
    expect(rest).toEqual([]);
    expect(await readTaskFile(h.client, jobId, 't', 'stderr.txt')).toBe('oops\n');
  });

  test('a program that is not there fails the task with CommandProgramNotFound; one found on the task\'s own PATH runs', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 'missing', commandLine: 'no-such-program-anywhere --flag' });
    const missing = await waitForTaskState(h.client, jobId, 'missing');
    expect(missing.executionInfo?.failureInfo?.code).toBe('CommandProgramNotFound');
    await h.client.task.add(jobId, { id: 'onpath', commandLine: 'echo found', environmentSettings: [{ name: 'PATH', value: '/bin:/usr/bin' }] });
    await waitForTaskState(h.client, jobId, 'onpath');
    expect(await readTaskFile(h.client, jobId, 'onpath', 'stdout.txt')).toBe('found\n');
  });

  test('a terminated task is killed with its whole process group, background children included', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 'bg', commandLine: sh('sleep 60 & echo $! > child.pid; wait') });
    await waitForTaskState(h.client, jobId, 'bg', ['running']);
    const pidText = await waitFor(() => readTaskFile(h.client, jobId, 'bg', 'wd/child.pid').catch(() => ''), (text) => text.trim() !== '');
    await h.client.task.terminate(jobId, 'bg');
    const task = await waitForTaskState(h.client, jobId, 'bg');
    expect([task.executionInfo?.exitCode, task.executionInfo?.failureInfo?.code]).toEqual([137, 'TaskEnded']);
    await waitFor(async () => spawnSync('kill', ['-0', pidText.trim()]).status, (status) => status !== 0, 10_000, 'the background child to be gone');
  });
});
