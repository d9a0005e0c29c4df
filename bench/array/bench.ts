/**
 * Array jobs at scale, each figure a ratio measured in the same run on the same
 * local stack (Temporal dev server, Azurite, the Batch emulator, one worker):
 *
 *   remote-batch   mapSubmit of N trivial command children, end to end
 *   direct SDK     the same N tasks (same command, element, log and output uploads) added by
 *                  collections through @azure/batch and watched by task counts, no Temporal
 *   bare SDK       N tasks with the command alone (no files uploaded), the floor of the emulator
 *   sequential     the same tasks, one task.add each, then each task polled until it
 *                  completes (the style of the Azure Batch samples)
 *
 *   npx tsx bench/array/bench.ts [--children 10000] [--nodes 2] [--slots 4] [--latency-ms 25] [--skip bare,direct,sequential] [--timeline]
 *
 * --latency-ms adds that delay to every Batch call (the emulator's fault injection), for all
 * scenarios alike: on loopback a call costs about a millisecond, against Azure tens of them.
 *
 * Also reports, for the remote-batch run: when each activity ran (one run's history; every
 * run's with --timeline), children ended per second by tenth of the array, the largest
 * history of any of its workflow runs (events and bytes), the peak RSS of the worker, the
 * emulator and Azurite, the Temporal DB size; and the load average at the start and the end.
 */
import { BatchServiceClient, type BatchServiceModels, BatchSharedKeyCredentials } from '@azure/batch';
import { temporal } from '@temporalio/proto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { withElementPrelude } from '../../src/activities/arrayChildren';
import { AzureGateways } from '../../src/azure/gateways';
import { taskDefinition } from '../../src/azure/taskDefinition';
import { mapWithConcurrency } from '../../src/model/concurrency';
import { childTaskId, inlineElementVariable } from '../../src/model/arrayJob';
import { jobContainerName } from '../../src/model/conventions';
import { batchEnvironment, mapSubmit } from '../../src/client';
import { type LocalStack, localBatchAccountKey, localBatchAccountName } from '../../src/stack/localStack';
import { startBenchStack } from '../support/benchStack';
import { cpuSeconds, cpuSnapshot, waitUntilQuiet } from '../support/processCpu';
import { activityTimeline, endedOverTime, printRateByTenths, printTimeline } from './timeline';

const { values } = parseArgs({
  options: {
    children: { type: 'string', default: '10000' },
    nodes: { type: 'string', default: '2' },
    slots: { type: 'string', default: '4' },
    skip: { type: 'string', default: '' },
    'latency-ms': { type: 'string', default: '0' },
    timeline: { type: 'boolean', default: false },
  },
});
const children = Number(values.children);
const skip = new Set(values.skip.split(',').filter(Boolean));
const commandLine = '/bin/echo trivial child';
const pool = 'bench';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function waitForCounts(batch: BatchServiceClient, jobId: string, total: number): Promise<void> {
  for (let look = 1; ; look++) {
    const counts = (await batch.job.getTaskCounts(jobId)).taskCounts;
    if (counts.completed >= total) return;
    if (look % 40 === 0) console.log(`  … ${jobId}: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Where a run's time went, from Batch's own task times: submission to the
 * first task's start, the first start to the last end, and the last end to
 * when the submitter saw the job complete.
 */
async function printTaskSpan(batch: BatchServiceClient, jobId: string, submittedAt: number, completedAt: number): Promise<void> {
  let firstStart = Infinity;
  let lastEnd = 0;
  const taskListOptions = { select: 'id,executionInfo', maxResults: 1000 };
  let page = await batch.task.list(jobId, { taskListOptions });
  for (;;) {
    for (const task of page) {
      if (task.executionInfo?.startTime) firstStart = Math.min(firstStart, new Date(task.executionInfo.startTime).getTime());
      if (task.executionInfo?.endTime) lastEnd = Math.max(lastEnd, new Date(task.executionInfo.endTime).getTime());
    }
    if (!page.odatanextLink) break;
    page = await batch.task.listNext(page.odatanextLink);
  }
  console.log(
    `  tasks: first started ${seconds(firstStart - submittedAt)} after submission, ran for ${seconds(lastEnd - firstStart)}, ` +
      `the last ended ${seconds(completedAt - lastEnd)} before the submitter saw the job complete`,
  );
}

async function directSdk(batch: BatchServiceClient, jobId: string, sameTasks: SameTasks | undefined, done: () => void): Promise<number> {
  const started = Date.now();
  await batch.job.add({ id: jobId, poolInfo: { poolId: pool } });
  const task = (i: number): BatchServiceModels.TaskAddParameter =>
    sameTasks ? sameTasks.definition(jobId, i) : { id: String(10000001 + i), commandLine };
  if (sameTasks) await sameTasks.prepare(jobId);
  const collections = Array.from({ length: Math.ceil(children / 100) }, (_, c) =>
    Array.from({ length: Math.min(100, children - c * 100) }, (_, i) => task(c * 100 + i)),
  );
  await mapWithConcurrency(collections, 4, (tasks) => batch.task.addCollection(jobId, tasks));
  await waitForCounts(batch, jobId, children);
  const elapsed = Date.now() - started;
  done();
  await printTaskSpan(batch, jobId, started, started + elapsed);
  return elapsed;
}

interface SameTasks {
  prepare(jobId: string): Promise<void>;
  definition(jobId: string, index: number): BatchServiceModels.TaskAddParameter;
}

/** What remote-batch asks of Batch and Storage for each child, done by hand: the fair baseline. */
async function sameTasksAsRemoteBatch(): Promise<SameTasks> {
  const { storage } = new AzureGateways().get('local');
  const outputUrls = new Map<string, string>();
  const template = { commandLine: withElementPrelude(commandLine), requiredSlots: 1, containerImage: 'node:20-slim', environment: {} };
  return {
    async prepare(jobId) {
      const job = storage.job(jobId);
      await job.create();
      outputUrls.set(jobId, await job.outputUrl());
    },
    definition(jobId, index) {
      return taskDefinition(childTaskId(index + 1), template, [], outputUrls.get(jobId)!, { [inlineElementVariable]: String(index) });
    },
  };
}

async function sequential(batch: BatchServiceClient, jobId: string, sameTasks: SameTasks, done: () => void): Promise<number> {
  const started = Date.now();
  await batch.job.add({ id: jobId, poolInfo: { poolId: pool } });
  await sameTasks.prepare(jobId);
  for (let i = 0; i < children; i++) await batch.task.add(jobId, sameTasks.definition(jobId, i));
  for (let i = 0; i < children; i++) {
    while ((await batch.task.get(jobId, String(10000001 + i))).state !== 'completed') {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  done();
  return Date.now() - started;
}

/** The worker's Azure calls by operation (its Prometheus series), per child. */
async function printAzureCalls(metricsUrl: string, perChildOf: number): Promise<void> {
  const text = await (await fetch(metricsUrl)).text();
  const calls = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^remote_batch_azure_request_duration_seconds_count\{(.*)\} (\d+)/.exec(line);
    if (!match) continue;
    const operation = /operation="([^"]*)"/.exec(match[1]!)?.[1] ?? '?';
    const service = /service="([^"]*)"/.exec(match[1]!)?.[1] ?? '?';
    const key = `${service} ${operation}`;
    calls.set(key, (calls.get(key) ?? 0) + Number(match[2]));
  }
  const total = [...calls.values()].reduce((sum, count) => sum + count, 0);
  console.log(`  the worker's Azure calls: ${total} (${(total / perChildOf).toFixed(2)} per child)`);
  for (const [operation, count] of [...calls].sort((a, b) => b[1] - a[1])) console.log(`    ${operation}: ${count} (${(count / perChildOf).toFixed(3)} per child)`);
}

function peakRss(pidFile: string): number {
  const pid = fs.readFileSync(pidFile, 'utf8').trim();
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

function fileSize(file: string): number {
  return [file, `${file}-wal`].reduce((sum, name) => sum + (fs.existsSync(name) ? fs.statSync(name).size : 0), 0);
}

const stackProcesses = ['worker', 'emulator', 'azurite', 'temporal'];

/** CPU seconds each process used during a scenario; `script` is this process (the direct submitter, or remote-batch's client). */
type ScenarioCpu = Record<'worker' | 'emulator' | 'azurite' | 'temporal' | 'script', number>;
const cpuOf: Record<string, ScenarioCpu> = {};

/**
 * A fresh local stack per scenario: Azurite slows as it holds more blobs, so no scenario pays for another's.
 * CPU is counted from a quiet stack until the scenario calls `done` (when its submitter saw the end), not while it reports.
 */
async function withStack<T>(name: string, run: (stack: LocalStack, batch: BatchServiceClient, done: () => void) => Promise<T>): Promise<T> {
  const stack = await startBenchStack(path.join('bench-array', name), pool, ['--latency-ms', values['latency-ms']], { nodes: Number(values.nodes), slots: Number(values.slots) });
  process.env.TEMPORAL_ADDRESS = stack.temporalAddress;
  const batch = new BatchServiceClient(new BatchSharedKeyCredentials(localBatchAccountName, localBatchAccountKey), stack.batchEndpoint);
  await waitUntilQuiet(stack.logsDir, stackProcesses);
  const before = cpuSnapshot(stack.logsDir, stackProcesses);
  const benchBefore = process.cpuUsage();
  const done = () => {
    if (cpuOf[name]) return;
    const bench = process.cpuUsage(benchBefore);
    const used = (process: string) => (cpuSeconds(stack.logsDir, process) ?? NaN) - (before[process] ?? 0);
    cpuOf[name] = { worker: used('worker'), emulator: used('emulator'), azurite: used('azurite'), temporal: used('temporal'), script: (bench.user + bench.system) / 1e6 };
  };
  try {
    return await run(stack, batch, done);
  } finally {
    done();
    const cpu = cpuOf[name]!;
    console.log(
      `  CPU used during ${name}: ${stackProcesses.map((process) => `${process} ${cpu[process as keyof ScenarioCpu].toFixed(1)} s`).join(', ')}, this script ${cpu.script.toFixed(1)} s`,
    );
    await stack.stop();
  }
}

const perChild = (seconds: number) => `${((seconds * 1000) / children).toFixed(2)} ms`;

/** The CPU goals: remote-batch's own processes against the direct script, and what it adds to Azurite and the emulator. */
function printCpuPerChild(): void {
  const remote = cpuOf['remote-batch'];
  const direct = cpuOf.direct;
  if (!remote || !direct) return;
  const own = remote.worker + remote.temporal;
  console.log(
    `CPU per child: remote-batch's worker + Temporal ${perChild(own)} (client ${perChild(remote.script)}) against the direct script's ${perChild(direct.script)}: ` +
      `${(own / direct.script).toFixed(2)}× (goal ≤ 2×; ${((own + remote.script) / direct.script).toFixed(2)}× with the client)`,
  );
  const extra = remote.azurite + remote.emulator - (direct.azurite + direct.emulator);
  console.log(
    `  Azurite + emulator per child: ${perChild(remote.azurite + remote.emulator)} against direct's ${perChild(direct.azurite + direct.emulator)}: ` +
      `${extra >= 0 ? '+' : ''}${perChild(extra)} (goal ≤ +0.5 ms; Azurite ${perChild(remote.azurite)} vs ${perChild(direct.azurite)}, emulator ${perChild(remote.emulator)} vs ${perChild(direct.emulator)})`,
  );
}

async function remoteBatch(stack: LocalStack, batch: BatchServiceClient, done: () => void): Promise<number> {
  const env = batchEnvironment({ poolId: pool, connection: 'local', temporal: { address: stack.temporalAddress } });
  try {
    const started = Date.now();
    const array = await mapSubmit(env, { command: commandLine }, Array.from({ length: children }, (_, i) => i), { retryWindowInSeconds: 0 });
    await array.wait();
    const elapsed = Date.now() - started;
    done();
    console.log(`  submitted at ${new Date(started).toISOString()}, completed at ${new Date(started + elapsed).toISOString()}`);
    const counts = (await array.get('ChildJobCounts')) as Record<string, number>;
    console.log(`remote-batch (mapSubmit → Completed): ${seconds(elapsed)}  counts ${JSON.stringify(counts)}`);
    await printTaskSpan(batch, array.jobId, started, started + elapsed);

    const client = await env.client();
    let largestEvents = 0;
    let largestBytes = 0;
    let runs = 0;
    const ended: [number, number][] = [];
    for await (const execution of client.workflow.list({ query: `WorkflowId = '${array.jobId}'` })) {
      runs++;
      const history = await client.workflow.getHandle(array.jobId, execution.runId).fetchHistory();
      largestEvents = Math.max(largestEvents, history.events?.length ?? 0);
      largestBytes = Math.max(largestBytes, temporal.api.history.v1.History.encode(history).finish().length);
      if (runs === 1 || values.timeline) printTimeline(activityTimeline(history), started);
      ended.push(...endedOverTime(history));
    }
    console.log(`  workflow runs: ${runs}; largest history: ${largestEvents} events, ${(largestBytes / 1024).toFixed(0)} KiB`);
    printRateByTenths(ended, started, children);
    const peak = (name: string) => {
      try {
        return `${(peakRss(path.join(stack.logsDir, `${name}.pid`)) / 2 ** 20).toFixed(0)} MiB`;
      } catch (error) {
        return `unknown (${(error as Error).message})`;
      }
    };
    await printAzureCalls(stack.metricsUrl, children);
    console.log(`  peak RSS: worker ${peak('worker')}, emulator ${peak('emulator')}, Azurite ${peak('azurite')}`);
    const dbDir = path.join(path.dirname(stack.logsDir), 'temporal', 'temporal.db');
    console.log(`  Temporal DB: ${(fileSize(dbDir) / 2 ** 20).toFixed(1)} MiB`);
    return elapsed;
  } finally {
    await env.close();
  }
}

const loadAverage = () => os.loadavg().map((load) => load.toFixed(1)).join(', ');

async function main(): Promise<void> {
  const startLoad = loadAverage();
  const results: Record<string, number> = {};
  console.log(
    `${children} trivial children on pool ${pool} (${values.nodes} nodes × ${values.slots} slots), ` +
      `${values['latency-ms']} ms added to every Batch call, a fresh stack for each`,
  );
  if (!skip.has('bare')) {
    results.bare = await withStack('bare', (_stack, batch, done) => directSdk(batch, `bare-${Date.now()}`, undefined, done));
    console.log(`bare SDK (command only, no files): ${seconds(results.bare)}`);
  }
  if (!skip.has('direct')) {
    results.direct = await withStack('direct', async (_stack, batch, done) => directSdk(batch, `direct-${Date.now()}`, await sameTasksAsRemoteBatch(), done));
    console.log(`direct SDK (same tasks, collections, no Temporal): ${seconds(results.direct)}`);
  }
  results.remoteBatch = await withStack('remote-batch', (stack, batch, done) => remoteBatch(stack, batch, done));
  if (!skip.has('sequential')) {
    results.sequential = await withStack('sequential', async (_stack, batch, done) => sequential(batch, `sequential-${Date.now()}`, await sameTasksAsRemoteBatch(), done));
    console.log(`sequential submitter (task.add one by one, poll each): ${seconds(results.sequential)}`);
  }
  console.log(`\nload average at the end (1, 5, 15 min): ${loadAverage()}; at the start: ${startLoad}`);
  if (results.direct) console.log(`remote-batch / direct SDK = ${(results.remoteBatch / results.direct).toFixed(2)}× (goal ≤ 1.10×)`);
  printCpuPerChild();
  if (results.bare) console.log(`remote-batch / bare SDK = ${(results.remoteBatch / results.bare).toFixed(2)}× (no log uploads in the bare tasks)`);
  if (results.sequential && results.direct) console.log(`sequential / direct SDK = ${(results.sequential / results.direct).toFixed(2)}× (what the same tasks allow with no orchestration at all)`);
  if (results.sequential) console.log(`sequential / remote-batch = ${(results.sequential / results.remoteBatch).toFixed(2)}× faster (goal ≥ 10×)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
