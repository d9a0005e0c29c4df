import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '../support/waitFor';
import { addJob, readTaskFile, sh, startHarness, streamToString, waitForTaskState } from './harness';

describe('durability: state survives a restart', () => {
  test('after a restart completed work is kept and a task that was running is requeued with requeueCount+1 and run again', async () => {
    const first = await startHarness();
    const jobId = await addJob(first.client, { onAllTasksComplete: 'noaction', metadata: [{ name: 'owner', value: 'test' }] });
    await first.client.task.add(jobId, { id: 'done', commandLine: 'echo finished' });
    await waitForTaskState(first.client, jobId, 'done');
    // The marker lives outside the node, since the requeued task may land on another node.
    await first.client.task.add(jobId, {
      id: 'interrupted',
      commandLine: sh('if [ -f "$MARKER" ]; then echo second run; else touch "$MARKER"; sleep 30; fi'),
      environmentSettings: [{ name: 'MARKER', value: `${first.dataDir}/ran-before` }],
    });
    await waitForTaskState(first.client, jobId, 'interrupted', ['running']);
    // Running is not yet past the `touch`: on a loaded machine the shell may start later; the restart must come after it.
    await waitFor(async () => fs.existsSync(`${first.dataDir}/ran-before`), (exists) => exists, { timeoutMs: 30_000, what: 'the first run to leave its marker' });
    const before = await first.client.task.get(jobId, 'done');
    await first.close(false);

    const second = await startHarness({ dataDir: first.dataDir });
    try {
      const done = await second.client.task.get(jobId, 'done');
      expect(done.state).toBe('completed');
      expect(done.executionInfo?.exitCode).toBe(0);
      expect(done.eTag).toBe(before.eTag);
      expect(await readTaskFile(second.client, jobId, 'done', 'stdout.txt')).toBe('finished\n');
      expect((await second.client.job.get(jobId)).metadata).toEqual([{ name: 'owner', value: 'test' }]);

      const interrupted = await waitForTaskState(second.client, jobId, 'interrupted');
      expect(interrupted.executionInfo).toMatchObject({ requeueCount: 1, retryCount: 0, exitCode: 0, result: 'success' });
      expect(interrupted.executionInfo?.lastRequeueTime).toBeInstanceOf(Date);
      expect(await readTaskFile(second.client, jobId, 'interrupted', 'stdout.txt')).toBe('second run\n');

      // New ids keep increasing after a restart, so submission order stays meaningful.
      await second.client.task.add(jobId, { id: 'after', commandLine: 'true' });
      const tasks = await second.client.task.list(jobId);
      expect(tasks.map((t) => t.id)).toEqual(['done', 'interrupted', 'after']);
    } finally {
      await second.close();
    }
    expect(fs.existsSync(first.dataDir)).toBe(false);
  });

  test("a job's auto pool and its preparation tasks survive a restart: one that was running runs again, and the job's end still releases and deletes the pool", async () => {
    const first = await startHarness();
    const jobId = 'prepared-auto';
    await first.client.job.add({
      id: jobId,
      poolInfo: { autoPoolSpecification: { poolLifetimeOption: 'job', pool: { vmSize: 'standard_d2s_v3', targetDedicatedNodes: 1 } } },
      jobPreparationTask: {
        commandLine: sh('if [ -f "$MARKER" ]; then echo second run; else touch "$MARKER"; sleep 30; fi'),
        environmentSettings: [{ name: 'MARKER', value: `${first.dataDir}/prepared-before` }],
      },
      jobReleaseTask: { commandLine: sh('echo released') },
    });
    const poolId = (await first.client.job.get(jobId)).executionInfo!.poolId!;
    await first.client.task.add(jobId, { id: 'work', commandLine: 'true' });
    await waitFor(async () => fs.existsSync(`${first.dataDir}/prepared-before`), (exists) => exists, { timeoutMs: 30_000, what: 'the first preparation run to leave its marker' });
    expect((await first.client.task.get(jobId, 'work')).state).toBe('preparing');
    await first.close(false);

    const second = await startHarness({ dataDir: first.dataDir });
    try {
      expect((await second.client.job.get(jobId)).executionInfo?.poolId).toBe(poolId);
      const work = await waitForTaskState(second.client, jobId, 'work');
      expect([work.executionInfo?.result, work.executionInfo?.requeueCount, work.nodeInfo?.poolId]).toEqual(['success', 1, poolId]);
      const [entry] = await second.client.job.listPreparationAndReleaseTaskStatus(jobId);
      expect(entry.jobPreparationTaskExecutionInfo).toMatchObject({ state: 'completed', result: 'success' });
      const prepOut = await second.client.file.getFromComputeNode(poolId, entry.nodeId!, `workitems/${jobId}/job-1/jobpreparation/stdout.txt`);
      expect(await streamToString(prepOut.readableStreamBody!)).toBe('second run\n');

      await second.client.job.terminate(jobId);
      await waitFor(() => second.client.job.get(jobId), (job) => job.state === 'completed');
      const [released] = await second.client.job.listPreparationAndReleaseTaskStatus(jobId);
      expect(released.jobReleaseTaskExecutionInfo).toMatchObject({ state: 'completed', result: 'success' });
      await waitFor(() => second.client.pool.exists(poolId), (exists) => exists.body === false, { what: 'the auto pool to be deleted' });
    } finally {
      await second.close();
    }
  });

  test('with persistence memory nothing is written and a restart starts empty', async () => {
    const first = await startHarness({ persistence: 'memory' });
    const jobId = await addJob(first.client);
    await first.close(false);
    const second = await startHarness({ dataDir: first.dataDir, persistence: 'memory' });
    try {
      await expect(second.client.job.get(jobId)).rejects.toMatchObject({ code: 'JobNotFound' });
    } finally {
      await second.close();
    }
  });
});

describe('node directories apart from the state', () => {
  test('with nodesDir the task directories (AZ_BATCH_NODE_ROOT_DIR) live there while the state stays in dataDir', async () => {
    const nodesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-emulator-nodes-'));
    const h = await startHarness({ nodesDir });
    try {
      const jobId = await addJob(h.client);
      await h.client.task.add(jobId, { id: 'where', commandLine: sh('echo "$AZ_BATCH_NODE_ROOT_DIR"') });
      await waitForTaskState(h.client, jobId, 'where');
      const root = (await readTaskFile(h.client, jobId, 'where', 'stdout.txt')).trim();
      expect(root.startsWith(path.join(nodesDir, 'pools', 'local', 'nodes'))).toBe(true);
      expect(fs.existsSync(path.join(h.dataDir, 'state', 'journal.ndjson'))).toBe(true);
      expect(fs.existsSync(path.join(h.dataDir, 'pools'))).toBe(false);
    } finally {
      await h.close();
      fs.rmSync(nodesDir, { recursive: true, force: true });
    }
  });
});
