/**
 * One trivial single job (`/bin/echo`), submit → final state read by the client,
 * through remote-batch and through a bare @azure/batch loop (job add, task add,
 * task get every 100 ms until completed), on one local stack in the same run.
 * Reports the medians, their ratio, the CPU each process used per job each
 * way (from /proc, this script's own from process.cpuUsage), and where
 * remote-batch's time goes, from the workflow histories' timestamps.
 *
 *   npx tsx bench/single/bench.ts [--jobs 20] [--latency-ms 25]
 */
import { BatchServiceClient, BatchSharedKeyCredentials } from '@azure/batch';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { batchEnvironment, submit } from '../../src/client';
import { localBatchAccountKey, localBatchAccountName } from '../../src/stack/localStack';
import { historyBreakdown, median, printBreakdown } from './historyBreakdown';
import { startBenchStack } from '../support/benchStack';
import { cpuSnapshot, waitUntilQuiet } from '../support/processCpu';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '20' },
    'latency-ms': { type: 'string', default: '0' },
  },
});
const jobs = Number(values.jobs);
const pool = 'bench';
const commandLine = '/bin/echo trivial';
const stackProcesses = ['worker', 'emulator', 'azurite', 'temporal'];
type Cpu = Record<string, number>;

/** Adds the CPU each process (and this script) used while `run` ran to `into`. */
async function counted<T>(logsDir: string, into: Cpu, run: () => Promise<T>): Promise<T> {
  const before = cpuSnapshot(logsDir, stackProcesses);
  const script = process.cpuUsage();
  try {
    return await run();
  } finally {
    const after = cpuSnapshot(logsDir, stackProcesses);
    const own = process.cpuUsage(script);
    for (const name of stackProcesses) into[name] = (into[name] ?? 0) + after[name]! - before[name]!;
    into.script = (into.script ?? 0) + (own.user + own.system) / 1e6;
  }
}

function perJob(cpu: Cpu): string {
  return ['worker', 'temporal', 'script', 'emulator', 'azurite'].map((name) => `${name} ${(((cpu[name] ?? 0) * 1000) / jobs).toFixed(1)} ms`).join(', ');
}

async function bareSdkJob(batch: BatchServiceClient, jobId: string): Promise<number> {
  const started = Date.now();
  await batch.job.add({ id: jobId, poolInfo: { poolId: pool } });
  await batch.task.add(jobId, { id: 'task', commandLine });
  while ((await batch.task.get(jobId, 'task')).state !== 'completed') await new Promise((resolve) => setTimeout(resolve, 100));
  return Date.now() - started;
}

async function main(): Promise<void> {
  const stack = await startBenchStack('bench-single', pool, ['--latency-ms', values['latency-ms']]);
  const env = batchEnvironment({ poolId: pool, connection: 'local', temporal: { address: stack.temporalAddress } });
  const batch = new BatchServiceClient(new BatchSharedKeyCredentials(localBatchAccountName, localBatchAccountKey), stack.batchEndpoint);
  try {
    console.log(`${jobs} trivial single jobs each way, ${values['latency-ms']} ms added to every Batch call`);
    // One of each first, unmeasured: the worker's and the emulator's first calls warm their caches.
    await bareSdkJob(batch, `warm-${Date.now()}`);
    await (await submit(env, { command: commandLine })).wait();

    await waitUntilQuiet(stack.logsDir, stackProcesses);

    const bare: number[] = [];
    const remote: number[] = [];
    const jobIds: string[] = [];
    const bareCpu: Cpu = {};
    const remoteCpu: Cpu = {};
    for (let i = 0; i < jobs; i++) {
      bare.push(await counted(stack.logsDir, bareCpu, () => bareSdkJob(batch, `bare-${Date.now()}-${i}`)));
      const started = Date.now();
      const job = await counted(stack.logsDir, remoteCpu, async () => {
        const submitted = await submit(env, { command: commandLine });
        const status = await submitted.wait();
        if (status !== 'Succeeded') throw new Error(`job ${submitted.jobId} ended ${status}`);
        return submitted;
      });
      remote.push(Date.now() - started);
      jobIds.push(job.jobId);
    }
    console.log(`load average (1, 5, 15 min): ${os.loadavg().map((load) => load.toFixed(1)).join(', ')}`);
    const client = await env.client();
    const breakdowns = await Promise.all(jobIds.map(async (id) => historyBreakdown(await client.workflow.getHandle(id).fetchHistory())));
    const medianBare = median(bare);
    const medianRemote = median(remote);
    console.log(`bare SDK loop: median ${medianBare} ms`);
    console.log(`remote-batch (submit → final state read): median ${medianRemote} ms`);
    console.log(`remote-batch / bare SDK = ${(medianRemote / medianBare).toFixed(2)}× (goal ≤ 2× quiet, ≤ 2.5× loaded)`);
    console.log(`CPU per job, remote-batch: ${perJob(remoteCpu)}`);
    console.log(`CPU per job, bare SDK loop: ${perJob(bareCpu)}`);
    printBreakdown(breakdowns, medianRemote);
  } finally {
    await env.close();
    await stack.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
