/**
 * One trivial single job (`/bin/echo`), submit → final state read by the client,
 * through remote-batch and through a bare @azure/batch loop (job add, task add,
 * task get every 100 ms until completed), on one local stack in the same run.
 * Reports the medians, their ratio, and where remote-batch's time goes, from
 * the workflow histories' timestamps.
 *
 *   npx tsx bench/single/bench.ts [--jobs 20] [--latency-ms 25]
 */
import { BatchServiceClient, BatchSharedKeyCredentials } from '@azure/batch';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { batchEnvironment, submit } from '../../src/client';
import { localBatchAccountKey, localBatchAccountName } from '../../src/stack/localStack';
import { historyBreakdown, median, printBreakdown } from './historyBreakdown';
import { startBenchStack } from '../support/benchStack';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '20' },
    'latency-ms': { type: 'string', default: '0' },
  },
});
const jobs = Number(values.jobs);
const pool = 'bench';
const commandLine = '/bin/echo trivial';

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

    const bare: number[] = [];
    const remote: number[] = [];
    const jobIds: string[] = [];
    for (let i = 0; i < jobs; i++) {
      bare.push(await bareSdkJob(batch, `bare-${Date.now()}-${i}`));
      const started = Date.now();
      const job = await submit(env, { command: commandLine });
      const status = await job.wait();
      remote.push(Date.now() - started);
      if (status !== 'Succeeded') throw new Error(`job ${job.jobId} ended ${status}`);
      jobIds.push(job.jobId);
    }
    const client = await env.client();
    const breakdowns = await Promise.all(jobIds.map(async (id) => historyBreakdown(await client.workflow.getHandle(id).fetchHistory())));
    const medianBare = median(bare);
    const medianRemote = median(remote);
    console.log(`bare SDK loop: median ${medianBare} ms`);
    console.log(`remote-batch (submit → final state read): median ${medianRemote} ms`);
    console.log(`remote-batch / bare SDK = ${(medianRemote / medianBare).toFixed(2)}× (goal ≤ 2×)`);
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
