/**
 * The speed a user feels, each figure beside its baseline in the same run:
 *
 *   stack start  the local stack started on a warm data folder, by phase
 *   --help       the compiled `remote-batch` (bin/remote-batch.js) against its
 *                sources through tsx (how it ran before it was compiled)
 *   status <id>  the same two, with the stack up
 *   script child a map of a 0.3 s script function against the same map of a
 *                command that sleeps 0.3 s in node, and against the function alone:
 *                what a child costs beyond its function
 *
 *   npx tsx bench/cli/bench.ts [--runs 10] [--children 16] [--skip stack,cli,children]
 */
import { BatchServiceClient, BatchSharedKeyCredentials } from '@azure/batch';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { batchEnvironment, mapSubmit, submit } from '../../src/client';
import { defaultDataDir, repoRoot } from '../../src/stack/config';
import { type LocalStack, localBatchAccountKey, localBatchAccountName, startLocalStack } from '../../src/stack/localStack';
import { findFreePort } from '../../src/stack/ports';
import { waitUntilQuiet } from '../support/processCpu';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    children: { type: 'string', default: '16' },
    skip: { type: 'string', default: '' },
  },
});
const runs = Number(values.runs);
const children = Number(values.children);
const skipped = new Set(values.skip.split(',').filter(Boolean));
const pool = { id: 'local', nodes: 2, slots: 4 };
const functionSeconds = 0.3;
const stackProcesses = ['worker', 'emulator', 'azurite', 'temporal'];

const compiled = [path.join(repoRoot, 'bin', 'remote-batch.js')];
const throughTsx = ['--require', 'tsx/cjs', path.join(repoRoot, 'src', 'cli', 'main.ts')];

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const seconds = (value: number) => `${value.toFixed(2)} s`;

/** Median wall time of `node <entry> <args>`, runs alternating with the other entry so both see the same load. */
function timeCommands(entries: Record<string, string[]>, args: string[], env: NodeJS.ProcessEnv): Record<string, number> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(entries).map((name) => [name, []]));
  for (let run = 0; run <= runs; run++) {
    for (const [name, entry] of Object.entries(entries)) {
      const started = process.hrtime.bigint();
      const result = spawnSync(process.execPath, [...entry, ...args], { cwd: repoRoot, env, encoding: 'utf8' });
      const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
      if (result.status !== 0) throw new Error(`${name} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
      // The first run of each warms the file cache (and builds the bundle when a source changed).
      if (run > 0) times[name]!.push(elapsed);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]));
}

function printComparison(what: string, times: Record<string, number>, goalSeconds: number): void {
  const ratio = times.compiled! / times.tsx!;
  console.log(
    `${what}: compiled ${seconds(times.compiled!)}, through tsx ${seconds(times.tsx!)}: ${ratio.toFixed(2)}× ` +
      `(goal ≤ ${goalSeconds} s: ${times.compiled! <= goalSeconds ? 'met' : 'not met'})`,
  );
}

/** Starts the stack on `dataDir`, printing when each phase began, and returns it with its start time. */
async function startTimedStack(dataDir: string): Promise<{ stack: LocalStack; seconds: number }> {
  const began = Date.now();
  const elapsed = () => ((Date.now() - began) / 1000).toFixed(1);
  const stack = await startLocalStack({
    dataDir,
    ports: { temporal: await findFreePort(), temporalUi: await findFreePort(), azurite: await findFreePort(), emulator: await findFreePort() },
    metricsPort: await findFreePort(),
    pools: `${pool.id}:${pool.nodes}:${pool.slots}`,
    log: (line) => console.log(`  [${elapsed()} s] ${line}`),
  });
  const took = (Date.now() - began) / 1000;
  console.log(`  [${took.toFixed(1)} s] stack up`);
  return { stack, seconds: took };
}

async function stackStart(dataDir: string): Promise<LocalStack> {
  if (skipped.has('stack')) return (await startTimedStack(dataDir)).stack;
  console.log('stack start, first on this data folder:');
  const first = await startTimedStack(dataDir);
  await first.stack.stop();
  console.log('stack start, warm (same data folder, tools installed):');
  const warm = await startTimedStack(dataDir);
  console.log(`stack start warm: ${seconds(warm.seconds)} (first ${seconds(first.seconds)}; goal ≤ 5 s: ${warm.seconds <= 5 ? 'met' : 'not met'})`);
  return warm.stack;
}

/** Each child's task time by Batch's own clock (start to end), and the array's wall time. */
async function mapChildren(stack: LocalStack, body: { script: string } | { command: string }): Promise<{ taskSeconds: number; wallSeconds: number }> {
  const env = batchEnvironment({ poolId: pool.id, connection: 'local', temporal: { address: stack.temporalAddress } });
  try {
    const started = Date.now();
    const array = await mapSubmit(env, body, Array.from({ length: children }, (_, index) => index), { retryWindowInSeconds: 0 });
    await array.wait();
    const wallSeconds = (Date.now() - started) / 1000;
    const counts = (await array.get('ChildJobCounts')) as Record<string, number>;
    if (counts.succeeded !== children) throw new Error(`not every child succeeded: ${JSON.stringify(counts)}`);
    const batch = new BatchServiceClient(new BatchSharedKeyCredentials(localBatchAccountName, localBatchAccountKey), stack.batchEndpoint);
    const taskTimes: number[] = [];
    // Fewer children than a page holds: one listing has them all.
    for (const task of await batch.task.list(String(await array.get('ProviderJobID')), { taskListOptions: { select: 'id,executionInfo', maxResults: 1000 } })) {
      const { startTime, endTime } = task.executionInfo ?? {};
      if (startTime && endTime) taskTimes.push((new Date(endTime).getTime() - new Date(startTime).getTime()) / 1000);
    }
    return { taskSeconds: median(taskTimes), wallSeconds };
  } finally {
    await env.close();
  }
}

async function childOverhead(stack: LocalStack): Promise<void> {
  const slots = pool.nodes * pool.slots;
  const perSlot = (wall: number) => (wall * slots) / children;
  const script = await mapChildren(stack, { script: path.join(repoRoot, 'bench', 'cli', 'sleepFunction.ts') });
  const command = await mapChildren(stack, { command: `node -e "setTimeout(() => {}, ${functionSeconds * 1000})"` });
  console.log(`${children} children on ${slots} slots, each a ${functionSeconds} s function:`);
  for (const [name, run] of [['script', script], ['command (node sleeping)', command]] as const) {
    console.log(
      `  ${name}: task ${seconds(run.taskSeconds)} by Batch's clock (${seconds(run.taskSeconds - functionSeconds)} over the function), ` +
        `array ${seconds(run.wallSeconds)}: ${seconds(perSlot(run.wallSeconds))} of a slot per child`,
    );
  }
  const overhead = perSlot(script.wallSeconds) - functionSeconds;
  console.log(
    `script child overhead over its function: ${seconds(overhead)} of a slot (goal ≤ 0.5 s: ${overhead <= 0.5 ? 'met' : 'not met'}); ` +
      `task alone ${seconds(script.taskSeconds - functionSeconds)}; script / command child ${(script.wallSeconds / command.wallSeconds).toFixed(2)}×`,
  );
}

async function statusTimes(stack: LocalStack, connectionsFile: string): Promise<void> {
  const env = batchEnvironment({ poolId: pool.id, connection: 'local', temporal: { address: stack.temporalAddress } });
  let jobId: string;
  try {
    const job = await submit(env, { command: '/bin/echo status' });
    await job.wait();
    jobId = job.jobId;
  } finally {
    await env.close();
  }
  const cliEnv = { ...process.env, TEMPORAL_ADDRESS: stack.temporalAddress, REMOTE_BATCH_CONNECTIONS_FILE: connectionsFile, REMOTE_BATCH_POOL: pool.id };
  printComparison(`status ${jobId}`, timeCommands({ compiled, tsx: throughTsx }, ['status', jobId], cliEnv), 0.5);
}

async function main(): Promise<void> {
  console.log(`${os.cpus().length} cores, load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}, median of ${runs} runs`);
  if (!skipped.has('cli')) printComparison('--help', timeCommands({ compiled, tsx: throughTsx }, ['--help'], process.env), 0.3);
  if (skipped.has('stack') && skipped.has('cli') && skipped.has('children')) return;
  const dataDir = path.join(defaultDataDir, 'bench-cli');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const stack = await stackStart(dataDir);
  try {
    await waitUntilQuiet(stack.logsDir, stackProcesses);
    if (!skipped.has('cli')) await statusTimes(stack, stack.connectionsFile);
    if (!skipped.has('children')) await childOverhead(stack);
  } finally {
    await stack.stop();
  }
  console.log(`load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
