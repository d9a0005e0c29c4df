/**
 * One job growing to 100,000 tasks (added by collections of 100, on a pool with no nodes so
 * they stay put): the emulator's resident memory and the cost of listing what changed, at
 * 10,000 and at 100,000 tasks. "What changed" is the orchestrator's poll: the last 100 tasks
 * are terminated, then `stateTransitionTime ge datetime'…'` with $select and maxresults 1000
 * is listed; a filter that has to test every task (`executionInfo/exitCode eq 424242`) is
 * timed beside it as the baseline.
 *
 *   npx tsx bench/emulator/listing.ts [--tasks 100000] [--checkpoint 10000] [--memory] [--data-root <dir>]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BatchServiceClient, BatchSharedKeyCredentials, type BatchServiceModels } from '@azure/batch';
import { DEFAULT_ACCOUNT_KEY, DEFAULT_ACCOUNT_NAME } from '../../src/emulator';
import { median, rssMb, startEmulatorProcess } from './emulatorProcess';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '100000' },
    checkpoint: { type: 'string', default: '10000' },
    memory: { type: 'boolean', default: false },
    'data-root': { type: 'string', default: os.tmpdir() },
  },
});
const TASKS = Number(values.tasks);
const CHECKPOINTS = [Number(values.checkpoint), TASKS];
const JOB = 'changes';
const SAS = `?sv=2022-11-02&ss=b&srt=co&sp=wc&se=2030-01-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig=${'x'.repeat(44)}`;
const CONTAINER = `http://127.0.0.1:10000/devstoreaccount1/job-${JOB}${SAS}`;

/** A task shaped like the orchestrator's array children: inputs, environment, four output uploads. */
function task(i: number): BatchServiceModels.TaskAddParameter {
  const id = `child-${String(i).padStart(6, '0')}`;
  const upload = (filePattern: string, blob: string): BatchServiceModels.OutputFile => ({
    filePattern,
    destination: { container: { containerUrl: CONTAINER, path: blob } },
    uploadOptions: { uploadCondition: 'taskcompletion' },
  });
  return {
    id,
    commandLine: `/bin/sh -c 'python3 run.py --index ${i}'`,
    requiredSlots: 1,
    resourceFiles: [{ httpUrl: `http://127.0.0.1:10000/devstoreaccount1/job-${JOB}/input/script.py${SAS}`, filePath: 'run.py' }],
    environmentSettings: [
      { name: 'ARRAY_INDEX', value: String(i) },
      { name: 'JOB_NAME', value: JOB },
      { name: 'SETTING', value: 'value' },
    ],
    constraints: { maxTaskRetryCount: 0 },
    outputFiles: [
      upload('../std*.txt', `${id}/$TaskLog`),
      upload('result.json', `${id}/$TaskOutput/result.json`),
      upload('evaluation.json', `${id}/$TaskOutput/evaluation.json`),
      upload('JobOutput/**/*', `${id}/$TaskOutput/JobOutput`),
    ],
  };
}

async function addTasks(client: BatchServiceClient, from: number, to: number): Promise<void> {
  let next = from;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < to) {
        const start = next;
        next = Math.min(to, next + 100);
        const result = await client.task.addCollection(JOB, Array.from({ length: next - start }, (_, k) => task(start + k)));
        const failed = result.value?.filter((r) => r.status !== 'success') ?? [];
        if (failed.length) throw new Error(`${failed.length} tasks were not added: ${failed[0].error?.code}`);
      }
    }),
  );
}

async function timeMs(call: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await call();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function listAll(client: BatchServiceClient, options: BatchServiceModels.TaskListOptions): Promise<number> {
  let page = await client.task.list(JOB, { taskListOptions: options });
  let count = page.length;
  while (page.odatanextLink) {
    page = await client.task.listNext(page.odatanextLink);
    count += page.length;
  }
  return count;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(values['data-root']!, 'bench-listing-'));
  const args = ['--data-dir', dataDir, '--pool', 'idle:0:4'];
  if (values.memory) args.push('--memory');
  const emulator = await startEmulatorProcess(args);
  console.log(`${TASKS} tasks in one job, persistence ${values.memory ? 'memory' : 'disk'} under ${dataDir}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
  const rows: string[] = [];
  try {
    const client = new BatchServiceClient(new BatchSharedKeyCredentials(DEFAULT_ACCOUNT_NAME, DEFAULT_ACCOUNT_KEY), emulator.url);
    await client.job.add({ id: JOB, poolInfo: { poolId: 'idle' } });
    let added = 0;
    for (const checkpoint of CHECKPOINTS) {
      const addStarted = process.hrtime.bigint();
      await addTasks(client, added, checkpoint);
      const addSeconds = Number(process.hrtime.bigint() - addStarted) / 1e9;
      added = checkpoint;
      const since = new Date(Date.now() - 1).toISOString();
      for (let i = checkpoint - 100; i < checkpoint; i++) await client.task.terminate(JOB, task(i).id);
      const changes = { select: 'id,state,stateTransitionTime,executionInfo', maxResults: 1000, filter: `stateTransitionTime ge datetime'${since}'` };
      const changed = await listAll(client, changes);
      if (changed !== 100) throw new Error(`expected 100 changed tasks, listed ${changed}`);
      const changeMs: number[] = [];
      for (let i = 0; i < 20; i++) changeMs.push(await timeMs(() => listAll(client, changes)));
      const scanMs: number[] = [];
      for (let i = 0; i < 5; i++) scanMs.push(await timeMs(() => listAll(client, { filter: 'executionInfo/exitCode eq 424242', maxResults: 1000 })));
      const row = `${checkpoint} tasks: RSS ${rssMb(emulator.pid).toFixed(0)} MB, added in ${addSeconds.toFixed(1)} s; list changes (100 of ${checkpoint}) median ${median(changeMs).toFixed(1)} ms; full-scan filter median ${median(scanMs).toFixed(1)} ms`;
      console.log(row);
      rows.push(row);
    }
  } finally {
    await emulator.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
