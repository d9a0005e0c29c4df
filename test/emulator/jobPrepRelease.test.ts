import fs from 'node:fs';
import path from 'node:path';
import type { BatchServiceModels } from '@azure/batch';
import { addJob, batchError, detail, sh, startHarness, streamToString, uniqueId, waitFor, waitForJobState, waitForTaskState, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ persistence: 'memory', pools: [{ id: 'local', nodeCount: 2, taskSlotsPerNode: 2 }] });
});
afterAll(() => h.close());

const nodeIds = async (): Promise<string[]> => (await h.client.computeNode.list('local')).map((node) => node.id!).sort();

async function statuses(jobId: string, options: BatchServiceModels.JobListPreparationAndReleaseTaskStatusOptions = {}) {
  const entries: BatchServiceModels.JobPreparationAndReleaseTaskExecutionInformation[] = [];
  let page = await h.client.job.listPreparationAndReleaseTaskStatus(jobId, { jobListPreparationAndReleaseTaskStatusOptions: options });
  entries.push(...page);
  while (page.odatanextLink) {
    page = await h.client.job.listPreparationAndReleaseTaskStatusNext(page.odatanextLink);
    entries.push(...page);
  }
  return entries.sort((a, b) => a.nodeId!.localeCompare(b.nodeId!));
}

async function nodeFile(nodeId: string, filePath: string): Promise<string> {
  const response = await h.client.file.getFromComputeNode('local', nodeId, filePath);
  return streamToString(response.readableStreamBody!);
}

/** Lets a gated command (one waiting for `shared/go-<job>` on its node) go on. */
function releaseGate(nodeId: string, jobId: string): void {
  fs.writeFileSync(path.join(h.dataDir, 'pools', 'local', 'nodes', nodeId, 'shared', `go-${jobId}`), '');
}

describe('job preparation and release tasks', () => {
  test('the preparation task runs on each node before the job tasks there; the release task runs on each when the job ends; both are reported per node', async () => {
    const jobId = await addJob(h.client, {
      jobPreparationTask: { commandLine: sh('sleep 0.2; echo prepared > ready; echo prep-out') },
      jobReleaseTask: { commandLine: sh('echo released') },
    });
    // Each task succeeds only if the preparation task's file is already in place on its node.
    await h.client.task.addCollection(jobId, [1, 2, 3, 4].map((n) => ({ id: `t${n}`, commandLine: sh('cat "$AZ_BATCH_JOB_PREP_WORKING_DIR/ready" && sleep 0.2') })));
    const tasks = await Promise.all([1, 2, 3, 4].map((n) => waitForTaskState(h.client, jobId, `t${n}`)));
    expect(tasks.map((task) => task.executionInfo?.result)).toEqual(['success', 'success', 'success', 'success']);
    const nodes = await nodeIds();
    expect([...new Set(tasks.map((task) => task.nodeInfo!.nodeId!))].sort()).toEqual(nodes);

    const prepared = await statuses(jobId);
    expect(prepared.map((entry) => [entry.poolId, entry.nodeId, entry.nodeUrl])).toEqual(nodes.map((node) => ['local', node, `${h.emulator.url}/pools/local/nodes/${node}`]));
    for (const entry of prepared) {
      expect(entry.jobPreparationTaskExecutionInfo).toMatchObject({
        state: 'completed',
        result: 'success',
        exitCode: 0,
        retryCount: 0,
        taskRootDirectory: `workitems/${jobId}/job-1/jobpreparation`,
        taskRootDirectoryUrl: `${entry.nodeUrl}/files/workitems/${jobId}/job-1/jobpreparation`,
      });
      expect(entry.jobReleaseTaskExecutionInfo).toBeUndefined();
      expect(await nodeFile(entry.nodeId!, `workitems/${jobId}/job-1/jobpreparation/stdout.txt`)).toBe('prep-out\n');
    }

    await h.client.job.terminate(jobId);
    const job = await waitForJobState(h.client, jobId, 'completed');
    expect(job.executionInfo?.terminateReason).toBe('UserTerminate');
    const released = await statuses(jobId);
    for (const entry of released) {
      expect(entry.jobReleaseTaskExecutionInfo).toMatchObject({ state: 'completed', result: 'success', exitCode: 0, taskRootDirectory: `workitems/${jobId}/job-1/jobrelease` });
      expect(entry.jobReleaseTaskExecutionInfo).not.toHaveProperty('retryCount');
      expect(await nodeFile(entry.nodeId!, `workitems/${jobId}/job-1/jobrelease/stdout.txt`)).toBe('released\n');
    }
  });

  test('a task assigned to a node is preparing while the preparation task runs there, then runs', async () => {
    const jobId = await addJob(h.client, { jobPreparationTask: { commandLine: sh('while [ ! -e "$AZ_BATCH_NODE_SHARED_DIR/go-$AZ_BATCH_JOB_ID" ]; do sleep 0.05; done') } });
    await h.client.task.add(jobId, { id: 'waits', commandLine: 'true' });
    const [entry] = await waitFor(() => statuses(jobId), (list) => list.length === 1);
    expect(entry.jobPreparationTaskExecutionInfo?.state).toBe('running');
    const waiting = await h.client.task.get(jobId, 'waits');
    expect([waiting.state, waiting.nodeInfo?.nodeId]).toEqual(['preparing', entry.nodeId]);
    releaseGate(entry.nodeId!, jobId);
    expect((await waitForTaskState(h.client, jobId, 'waits')).executionInfo?.result).toBe('success');
    await h.client.job.terminate(jobId);
  });

  test('with waitForSuccess a node where the preparation task failed, after its retries, takes none of the job tasks', async () => {
    const [bad, good] = await nodeIds();
    const jobId = await addJob(h.client, {
      jobPreparationTask: { commandLine: sh(`test "$AZ_BATCH_NODE_ID" != "${bad}"`), constraints: { maxTaskRetryCount: 1 } },
    });
    await h.client.task.addCollection(jobId, [1, 2, 3, 4, 5, 6].map((n) => ({ id: `t${n}`, commandLine: 'true' })));
    const tasks = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => waitForTaskState(h.client, jobId, `t${n}`)));
    expect(tasks.map((task) => [task.nodeInfo!.nodeId, task.executionInfo?.result, task.executionInfo?.retryCount])).toEqual([1, 2, 3, 4, 5, 6].map(() => [good, 'success', 0]));

    const [failed, succeeded] = await statuses(jobId);
    expect(failed.nodeId).toBe(bad);
    expect(failed.jobPreparationTaskExecutionInfo).toMatchObject({
      state: 'completed',
      result: 'failure',
      exitCode: 1,
      retryCount: 1,
      failureInfo: { category: 'usererror', code: 'FailureExitCode' },
    });
    expect(failed.jobPreparationTaskExecutionInfo?.lastRetryTime).toBeInstanceOf(Date);
    expect(succeeded.jobPreparationTaskExecutionInfo).toMatchObject({ state: 'completed', result: 'success', retryCount: 0 });
    await h.client.job.terminate(jobId);
  });

  test('without waitForSuccess the job tasks run while the preparation task still runs; ending the job stops it', async () => {
    const jobId = await addJob(h.client, {
      jobPreparationTask: { commandLine: 'sleep 30', waitForSuccess: false },
    });
    await h.client.task.add(jobId, { id: 'quick', commandLine: 'true' });
    const task = await waitForTaskState(h.client, jobId, 'quick');
    expect(task.executionInfo?.result).toBe('success');
    const running = (await statuses(jobId)).find((entry) => entry.nodeId === task.nodeInfo!.nodeId);
    expect(running?.jobPreparationTaskExecutionInfo?.state).toBe('running');

    await h.client.job.terminate(jobId);
    await waitForJobState(h.client, jobId, 'completed');
    const stopped = (await statuses(jobId)).find((entry) => entry.nodeId === task.nodeInfo!.nodeId);
    expect(stopped?.jobPreparationTaskExecutionInfo).toMatchObject({ state: 'completed', result: 'failure', failureInfo: { code: 'TaskEnded' } });
  });

  test('onAllTasksComplete waits in terminating for the release tasks, and deleting a job runs its release tasks too', async () => {
    // The release task waits for the test's go, so the job is seen while it runs.
    const gated = sh('while [ ! -e "$AZ_BATCH_NODE_SHARED_DIR/go-$AZ_BATCH_JOB_ID" ]; do sleep 0.05; done');
    const finished = await addJob(h.client, { jobPreparationTask: { commandLine: 'true' }, jobReleaseTask: { commandLine: gated } });
    await h.client.task.add(finished, { id: 'only', commandLine: 'true' });
    const ran = await waitForTaskState(h.client, finished, 'only');
    await h.client.job.patch(finished, { onAllTasksComplete: 'terminatejob' });
    await waitFor(() => statuses(finished), ([entry]) => entry.jobReleaseTaskExecutionInfo?.state === 'running');
    expect((await h.client.job.get(finished)).state).toBe('terminating');
    releaseGate(ran.nodeInfo!.nodeId!, finished);
    const completed = await waitForJobState(h.client, finished, 'completed');
    expect(completed.executionInfo?.terminateReason).toBe('AllTasksComplete');
    expect((await statuses(finished))[0].jobReleaseTaskExecutionInfo).toMatchObject({ state: 'completed', result: 'success' });

    const release = sh('touch "$AZ_BATCH_NODE_SHARED_DIR/released-$AZ_BATCH_JOB_ID"');
    const deleted = await addJob(h.client, { jobPreparationTask: { commandLine: 'true' }, jobReleaseTask: { commandLine: release } });
    await h.client.task.add(deleted, { id: 'only', commandLine: 'true' });
    const done = await waitForTaskState(h.client, deleted, 'only');
    await h.client.job.deleteMethod(deleted);
    await waitFor(() => h.client.job.get(deleted).then(() => 'exists', (error: { code?: string }) => error.code), (code) => code === 'JobNotFound');
    expect(await nodeFile(done.nodeInfo!.nodeId!, `shared/released-${deleted}`)).toBe('');
  });

  test('a reboot runs the preparation task again before the next job task, unless rerunOnNodeRebootAfterSuccess is false', async () => {
    const count = sh('echo run >> "$AZ_BATCH_NODE_SHARED_DIR/prepared-$AZ_BATCH_JOB_ID"');
    const node = (await nodeIds())[0];
    const jobs = await Promise.all(
      [true, false].map((rerun) => addJob(h.client, { jobPreparationTask: { commandLine: count, rerunOnNodeRebootAfterSuccess: rerun }, constraints: { maxTaskRetryCount: 0 } })),
    );
    // Only one node may take the jobs' tasks, so every run is on the node that reboots.
    const other = (await nodeIds())[1];
    await h.client.computeNode.disableScheduling('local', other);
    try {
      for (const jobId of jobs) await h.client.task.add(jobId, { id: 'before', commandLine: 'true' });
      for (const jobId of jobs) await waitForTaskState(h.client, jobId, 'before');
      await h.client.computeNode.reboot('local', node);
      await waitFor(() => h.client.computeNode.get('local', node), (n) => n.state === 'idle' && n.schedulingState === 'enabled');
      for (const jobId of jobs) await h.client.task.add(jobId, { id: 'after', commandLine: 'true' });
      for (const jobId of jobs) expect((await waitForTaskState(h.client, jobId, 'after')).nodeInfo?.nodeId).toBe(node);
      expect(await nodeFile(node, `shared/prepared-${jobs[0]}`)).toBe('run\nrun\n');
      expect(await nodeFile(node, `shared/prepared-${jobs[1]}`)).toBe('run\n');
    } finally {
      await h.client.computeNode.enableScheduling('local', other);
      for (const jobId of jobs) await h.client.job.terminate(jobId);
    }
  });

  test('the status list pages by maxresults and filters on nodeId', async () => {
    const jobId = await addJob(h.client, { jobPreparationTask: { commandLine: 'true' } });
    await h.client.task.addCollection(jobId, [1, 2, 3, 4].map((n) => ({ id: `t${n}`, commandLine: 'sleep 0.2' })));
    await Promise.all([1, 2, 3, 4].map((n) => waitForTaskState(h.client, jobId, `t${n}`)));
    const nodes = await nodeIds();
    const first = await h.client.job.listPreparationAndReleaseTaskStatus(jobId, { jobListPreparationAndReleaseTaskStatusOptions: { maxResults: 1 } });
    expect([first.length, first.odatanextLink]).toEqual([1, expect.stringContaining('skiptoken')]);
    expect((await statuses(jobId, { maxResults: 1 })).map((entry) => entry.nodeId)).toEqual(nodes);
    expect((await statuses(jobId, { filter: `nodeId eq '${nodes[1]}'` })).map((entry) => entry.nodeId)).toEqual([nodes[1]]);
    await h.client.job.terminate(jobId);
  });

  test('Batch defaults are reported, and bad input is refused the way Batch refuses it', async () => {
    const jobId = await addJob(h.client, { jobPreparationTask: { commandLine: 'true' }, jobReleaseTask: { commandLine: 'true' } });
    const job = await h.client.job.get(jobId);
    expect(job.jobPreparationTask).toMatchObject({ id: 'jobpreparation', waitForSuccess: true, rerunOnNodeRebootAfterSuccess: true, constraints: { maxTaskRetryCount: 0, retentionTime: 'P7D' } });
    expect(job.jobReleaseTask).toMatchObject({ id: 'jobrelease', maxWallClockTime: 'PT15M', retentionTime: 'P7D' });

    const sameAsPreparation = await batchError(h.client.task.add(jobId, { id: 'JobPreparation', commandLine: 'true' }));
    expect([sameAsPreparation.statusCode, sameAsPreparation.code]).toEqual([409, 'TaskIdSameAsJobPreparationTask']);
    const sameAsRelease = await batchError(h.client.task.add(jobId, { id: 'jobrelease', commandLine: 'true' }));
    expect([sameAsRelease.statusCode, sameAsRelease.code]).toEqual([409, 'TaskIdSameAsJobReleaseTask']);

    const releaseOnly = await batchError(addJob(h.client, { jobReleaseTask: { commandLine: 'true' } }));
    expect([releaseOnly.statusCode, releaseOnly.code, detail(releaseOnly, 'PropertyName')]).toEqual([400, 'MissingRequiredProperty', 'jobPreparationTask']);
    const tooLong = await batchError(addJob(h.client, { jobPreparationTask: { commandLine: 'true' }, jobReleaseTask: { commandLine: 'true', maxWallClockTime: 'PT16M' } }));
    expect([tooLong.statusCode, tooLong.code, detail(tooLong, 'PropertyName')]).toEqual([400, 'InvalidPropertyValue', 'jobReleaseTask.maxWallClockTime']);

    const plain = await addJob(h.client);
    const none = await batchError(h.client.job.listPreparationAndReleaseTaskStatus(plain));
    expect([none.statusCode, none.code]).toEqual([409, 'JobPreparationTaskOrReleaseTaskNotSpecified']);
    expect((await batchError(h.client.job.listPreparationAndReleaseTaskStatus(uniqueId('missing')))).code).toBe('JobNotFound');
    await h.client.job.terminate(jobId);
    await h.client.job.terminate(plain);
  });
});
