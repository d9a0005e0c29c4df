import fs from 'node:fs';
import path from 'node:path';
import { addJob, readTaskFile, schedulingBarrier, sh, startHarness, uniqueId, waitFor, waitForJobState, waitForTaskState, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    persistence: 'memory',
    pools: [
      { id: 'local', nodeCount: 2, taskSlotsPerNode: 4 },
      { id: 'single', nodeCount: 1, taskSlotsPerNode: 1 },
      { id: 'quad', nodeCount: 1, taskSlotsPerNode: 4 },
      { id: 'narrow', nodeCount: 1, taskSlotsPerNode: 1 },
      { id: 'spare', nodeCount: 1, taskSlotsPerNode: 2 },
    ],
  });
});
afterAll(() => h.close());

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('running tasks as a Batch node does', () => {
  test('a task gets the AZ_BATCH_* environment, the job and task settings, and runs in its wd under Batch\'s node layout', async () => {
    const jobId = await addJob(h.client, { commonEnvironmentSettings: [{ name: 'FROM_JOB', value: 'job' }, { name: 'OVERRIDDEN', value: 'job' }] });
    await h.client.task.add(jobId, {
      id: 'env',
      commandLine: sh('env | grep -E "^(AZ_BATCH_|FROM_|OVERRIDDEN)" | sort; pwd'),
      environmentSettings: [{ name: 'OVERRIDDEN', value: 'task' }],
    });
    const task = await waitForTaskState(h.client, jobId, 'env');
    expect(task.executionInfo?.result).toBe('success');
    const out = await readTaskFile(h.client, jobId, 'env', 'stdout.txt');
    const env = Object.fromEntries(out.trim().split('\n').filter((l) => l.includes('=')).map((l) => l.split(/=(.*)/s).slice(0, 2)));
    const taskDir = env.AZ_BATCH_TASK_DIR;
    expect(taskDir).toBe(path.join(env.AZ_BATCH_NODE_ROOT_DIR, 'workitems', jobId, 'job-1', 'env'));
    expect(env.AZ_BATCH_TASK_WORKING_DIR).toBe(path.join(taskDir, 'wd'));
    expect(out.trim().split('\n').pop()).toBe(env.AZ_BATCH_TASK_WORKING_DIR);
    expect(env).toMatchObject({
      AZ_BATCH_TASK_ID: 'env',
      AZ_BATCH_JOB_ID: jobId,
      AZ_BATCH_POOL_ID: 'local',
      AZ_BATCH_NODE_ID: task.nodeInfo?.nodeId,
      AZ_BATCH_ACCOUNT_NAME: 'localbatch',
      AZ_BATCH_ACCOUNT_URL: h.emulator.url,
      AZ_BATCH_NODE_SHARED_DIR: path.join(env.AZ_BATCH_NODE_ROOT_DIR, 'shared'),
      FROM_JOB: 'job',
      OVERRIDDEN: 'task',
    });
    expect(task.nodeInfo?.taskRootDirectory).toBe(`workitems/${jobId}/job-1/env`);
    expect(fs.existsSync(path.join(taskDir, 'stderr.txt'))).toBe(true);
  });

  test('the command line runs without a shell: $VARS, globs and redirections reach the program literally', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 'literal', commandLine: `echo "$HOME" '*' > out.txt` });
    await waitForTaskState(h.client, jobId, 'literal');
    expect(await readTaskFile(h.client, jobId, 'literal', 'stdout.txt')).toBe('$HOME * > out.txt\n');
  });

  test('a non-zero exit code completes the task with result failure and failureInfo FailureExitCode', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 'fails', commandLine: sh('echo oops >&2; exit 3') });
    const task = await waitForTaskState(h.client, jobId, 'fails');
    expect(task.executionInfo).toMatchObject({ exitCode: 3, result: 'failure', retryCount: 0, failureInfo: { category: 'usererror', code: 'FailureExitCode' } });
    expect(await readTaskFile(h.client, jobId, 'fails', 'stderr.txt')).toBe('oops\n');
  });

  test('a program that does not exist fails the task with CommandProgramNotFound', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 'missing', commandLine: 'no-such-program-anywhere --flag' });
    const task = await waitForTaskState(h.client, jobId, 'missing');
    expect(task.executionInfo?.failureInfo?.code).toBe('CommandProgramNotFound');
    expect(task.executionInfo?.result).toBe('failure');
  });

  test('maxTaskRetryCount retries a failing task and counts retryCount; a later success completes it', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 'always', commandLine: sh('exit 1'), constraints: { maxTaskRetryCount: 2 } });
    await h.client.task.add(jobId, {
      id: 'second-time',
      // The counter lives outside the node: a retry may run on another node.
      commandLine: sh('n=$(cat "$COUNTER" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$COUNTER"; [ $n -ge 2 ]'),
      environmentSettings: [{ name: 'COUNTER', value: path.join(h.dataDir, `${jobId}-count`) }],
      constraints: { maxTaskRetryCount: 3 },
    });
    const always = await waitForTaskState(h.client, jobId, 'always');
    expect(always.executionInfo).toMatchObject({ retryCount: 2, exitCode: 1, result: 'failure' });
    expect(always.executionInfo?.lastRetryTime).toBeInstanceOf(Date);
    const second = await waitForTaskState(h.client, jobId, 'second-time');
    expect(second.executionInfo).toMatchObject({ retryCount: 1, exitCode: 0, result: 'success' });
  });

  test('the job\'s maxTaskRetryCount applies to tasks that set none', async () => {
    const jobId = await addJob(h.client, { constraints: { maxTaskRetryCount: 1 } });
    await h.client.task.add(jobId, { id: 't', commandLine: sh('exit 2') });
    const task = await waitForTaskState(h.client, jobId, 't');
    expect(task.constraints?.maxTaskRetryCount).toBe(1);
    expect(task.executionInfo?.retryCount).toBe(1);
  });

  test('maxWallClockTime kills a task that runs too long: failureInfo TaskEnded says the maximum wall clock time was exceeded', async () => {
    const jobId = await addJob(h.client);
    const started = Date.now();
    await h.client.task.add(jobId, { id: 'slow', commandLine: 'sleep 30', constraints: { maxWallClockTime: 'PT1S', maxTaskRetryCount: 3 } });
    const task = await waitForTaskState(h.client, jobId, 'slow');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(task.executionInfo?.result).toBe('failure');
    expect(task.executionInfo?.retryCount).toBe(0);
    expect(task.executionInfo?.failureInfo).toMatchObject({ category: 'usererror', code: 'TaskEnded' });
    expect(task.executionInfo?.failureInfo?.message).toMatch(/maximum wall clock time/);
  });

  test('stdout.txt can be read while the task is still running', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 'chatty', commandLine: sh('echo started; sleep 30') });
    // The launcher reports the process's start a moment after it can write: wait for both, then it is still running.
    await waitForTaskState(h.client, jobId, 'chatty', ['running']);
    await waitFor(() => readTaskFile(h.client, jobId, 'chatty', 'stdout.txt').catch(() => ''), (text) => text === 'started\n');
    expect((await h.client.task.get(jobId, 'chatty')).state).toBe('running');
    await h.client.task.terminate(jobId, 'chatty');
    const task = await waitForTaskState(h.client, jobId, 'chatty');
    expect(task.executionInfo?.failureInfo?.code).toBe('TaskEnded');
  });

  test('tasks are packed onto a node by requiredSlots: a task that does not fit waits until slots free up', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'quad' } });
    await h.client.task.add(jobId, { id: 'three', commandLine: 'sleep 0.4', requiredSlots: 3 });
    await h.client.task.add(jobId, { id: 'one', commandLine: 'sleep 0.4', requiredSlots: 1 });
    await h.client.task.add(jobId, { id: 'two', commandLine: 'sleep 0.1', requiredSlots: 2 });
    const [three, one, two] = await Promise.all(['three', 'one', 'two'].map((id) => waitForTaskState(h.client, jobId, id)));
    expect(one.executionInfo!.startTime!.getTime()).toBeLessThan(three.executionInfo!.endTime!.getTime());
    expect(two.executionInfo!.startTime!.getTime()).toBeGreaterThanOrEqual(Math.min(three.executionInfo!.endTime!.getTime(), one.executionInfo!.endTime!.getTime()) - 5);
    const counts = await h.client.job.getTaskCounts(jobId);
    expect(counts.taskSlotCounts).toEqual({ active: 0, running: 0, completed: 6, succeeded: 6, failed: 0 });
  });

  test('a task needing more slots than any node has stays active, as on Batch', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'spare' } });
    await h.client.task.add(jobId, { id: 'huge', commandLine: 'true', requiredSlots: 3 });
    await h.client.task.add(jobId, { id: 'small', commandLine: 'true', requiredSlots: 1 });
    await waitForTaskState(h.client, jobId, 'small');
    expect((await h.client.task.get(jobId, 'huge')).state).toBe('active');
  });

  test('a higher-priority job\'s tasks run before a lower-priority job\'s; equal priority runs in submission order', async () => {
    const blocker = await addJob(h.client, { poolInfo: { poolId: 'single' } });
    await h.client.task.add(blocker, { id: 'hold', commandLine: 'sleep 30' });
    await waitForTaskState(h.client, blocker, 'hold', ['running', 'completed']);
    const low = await addJob(h.client, { poolInfo: { poolId: 'single' }, priority: -10 });
    const high = await addJob(h.client, { poolInfo: { poolId: 'single' }, priority: 500 });
    await h.client.task.add(low, { id: 'low-1', commandLine: 'true' });
    await h.client.task.add(high, { id: 'high-1', commandLine: 'true' });
    await h.client.task.add(high, { id: 'high-2', commandLine: 'true' });
    await h.client.task.terminate(blocker, 'hold');
    const tasks = await Promise.all([
      waitForTaskState(h.client, high, 'high-1'),
      waitForTaskState(h.client, high, 'high-2'),
      waitForTaskState(h.client, low, 'low-1'),
    ]);
    const starts = tasks.map((task) => task.executionInfo!.startTime!.getTime());
    expect(starts[0]).toBeLessThanOrEqual(starts[1]);
    expect(starts[1]).toBeLessThanOrEqual(starts[2]);
  });

  test('onAllTasksComplete terminatejob completes the job with terminateReason AllTasksComplete', async () => {
    const jobId = await addJob(h.client, { onAllTasksComplete: 'terminatejob' });
    await h.client.task.addCollection(jobId, [
      { id: 'a', commandLine: 'true' },
      { id: 'b', commandLine: 'false' },
    ]);
    const job = await waitForJobState(h.client, jobId, 'completed');
    expect(job.executionInfo?.terminateReason).toBe('AllTasksComplete');
    expect(job.executionInfo?.endTime).toBeInstanceOf(Date);
  });

  test('job terminate with a reason kills and completes running tasks, leaves waiting ones active, and records executionInfo.terminateReason', async () => {
    const jobId = await addJob(h.client, { poolInfo: { poolId: 'narrow' } });
    await h.client.task.add(jobId, { id: 'runs', commandLine: sh('echo $$ > pid; exec sleep 30') });
    await h.client.task.add(jobId, { id: 'waits', commandLine: 'true' });
    await waitForTaskState(h.client, jobId, 'runs', ['running']);
    const wd = path.join((await h.client.task.get(jobId, 'runs')).nodeInfo!.taskRootDirectory!);
    const nodeId = (await h.client.task.get(jobId, 'runs')).nodeInfo!.nodeId!;
    const pidFile = path.join(h.dataDir, 'pools', 'narrow', 'nodes', nodeId, wd, 'wd', 'pid');
    const pid = Number((await waitFor(async () => (fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8') : ''), (text) => text.trim() !== '')).trim());
    expect(alive(pid)).toBe(true);

    await h.client.job.terminate(jobId, { terminateReason: 'client asked' });
    const job = await waitForJobState(h.client, jobId, 'completed');
    expect(job.executionInfo?.terminateReason).toBe('client asked');
    const runs = await h.client.task.get(jobId, 'runs');
    expect(runs.state).toBe('completed');
    expect(runs.executionInfo?.failureInfo?.code).toBe('TaskEnded');
    expect((await h.client.task.get(jobId, 'waits')).state).toBe('active');
    await waitFor(async () => alive(pid), (isAlive) => !isAlive, 5000, 'the task process to be killed');
  });

  test('containerSettings: with no container engine the task runs on the host and executionInfo.containerInfo says so', async () => {
    const jobId = await addJob(h.client);
    await h.client.task.add(jobId, { id: 'boxed', commandLine: 'echo inside', containerSettings: { imageName: 'node:20-slim' } });
    const task = await waitForTaskState(h.client, jobId, 'boxed');
    expect(task.executionInfo?.result).toBe('success');
    expect(task.executionInfo?.containerInfo?.error).toMatch(/ran directly on the host instead of in image 'node:20-slim'/);
  });
});

describe('task dependencies and exit conditions', () => {
  test('a task with dependsOn waits until its dependencies succeed; a failed dependency blocks its dependents', async () => {
    const jobId = await addJob(h.client, { usesTaskDependencies: true });
    await h.client.task.addCollection(jobId, [
      { id: 'after', commandLine: 'true', dependsOn: { taskIds: ['first'], taskIdRanges: [{ start: 1, end: 2 }] } },
      { id: 'first', commandLine: 'sleep 0.2' },
      { id: '1', commandLine: 'true' },
      { id: '2', commandLine: 'true' },
      { id: 'broken', commandLine: 'false' },
      { id: 'blocked', commandLine: 'true', dependsOn: { taskIds: ['broken'] } },
      { id: 'tolerant', commandLine: 'false', exitConditions: { exitCodes: [{ code: 1, exitOptions: { dependencyAction: 'satisfy' } }] } },
      { id: 'unblocked', commandLine: 'true', dependsOn: { taskIds: ['tolerant'] } },
    ]);
    const [after, first] = await Promise.all([waitForTaskState(h.client, jobId, 'after'), waitForTaskState(h.client, jobId, 'first')]);
    expect(after.executionInfo!.startTime!.getTime()).toBeGreaterThanOrEqual(first.executionInfo!.endTime!.getTime());
    await waitForTaskState(h.client, jobId, 'unblocked');
    await waitForTaskState(h.client, jobId, 'broken');
    // Added after 'blocked' in the same job, the barrier is placed only after 'blocked' was passed over in that pass.
    await schedulingBarrier(h.client, { jobId });
    expect((await h.client.task.get(jobId, 'blocked')).state).toBe('active');
  });

  test('a task with dependsOn in a job without usesTaskDependencies is refused with 409 TaskDependenciesNotSpecifiedOnJob', async () => {
    const jobId = await addJob(h.client);
    const error = await h.client.task.add(jobId, { id: 't', commandLine: 'true', dependsOn: { taskIds: ['x'] } }).catch((e) => e);
    expect([error.statusCode, error.code]).toEqual([409, 'TaskDependenciesNotSpecifiedOnJob']);
  });

  test('onTaskFailure performexitoptionsjobaction terminates the job with TaskFailed when a task fails, unless its exitConditions say none', async () => {
    const jobId = await addJob(h.client, { onTaskFailure: 'performexitoptionsjobaction' });
    await h.client.task.add(jobId, { id: 'tolerated', commandLine: 'false', exitConditions: { default: { jobAction: 'none' } } });
    await waitForTaskState(h.client, jobId, 'tolerated');
    expect((await h.client.job.get(jobId)).state).toBe('active');
    await h.client.task.add(jobId, { id: 'fatal', commandLine: sh('exit 9') });
    const job = await waitForJobState(h.client, jobId, 'completed');
    expect(job.executionInfo?.terminateReason).toBe('TaskFailed');
  });
});

describe('closing the emulator', () => {
  test('close() kills running task processes and leaves no child behind', async () => {
    const other = await startHarness({ persistence: 'memory' });
    const jobId = uniqueId('job');
    await other.client.job.add({ id: jobId, poolInfo: { poolId: 'local' } });
    await other.client.task.add(jobId, { id: 'long', commandLine: sh('echo $$ > ../pid; sleep 60 & sleep 60') });
    const task = await waitForTaskState(other.client, jobId, 'long', ['running']);
    const pidFile = path.join(other.dataDir, 'pools', 'local', 'nodes', task.nodeInfo!.nodeId!, task.nodeInfo!.taskRootDirectory!, 'pid');
    const pid = Number((await waitFor(async () => (fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8') : ''), (t) => t.trim() !== '')).trim());
    await other.close();
    const groupAlive = (): boolean => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor(async () => groupAlive(), (isAlive) => !isAlive, 5000, 'the process group to end');
    expect(groupAlive()).toBe(false);
  });
});
