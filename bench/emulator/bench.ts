/**
 * 10,000 trivial tasks through the emulator (added by collections of 100, run to
 * completion) against the same 10,000 commands run by `xargs -P<slots>`.
 *
 *   npx tsx bench/emulator/bench.ts [--tasks 10000] [--rounds 3] [--nodes 2] [--slots 4] [--memory] [--data-root <dir>] [--nodes-root /dev/shm] [--launcher node|python]
 *
 * The emulator runs as its own process (as `npm run emulator` does), so the client's
 * work is not counted against it. Prints both wall times, the ratio, and where the
 * emulator's time went (adding, CPU of the emulator process).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BatchServiceClient, BatchSharedKeyCredentials } from '@azure/batch';
import { DEFAULT_ACCOUNT_KEY, DEFAULT_ACCOUNT_NAME } from '../../src/emulator';
import { cpuSeconds, median, startEmulatorProcess } from './emulatorProcess';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '10000' },
    nodes: { type: 'string', default: '2' },
    slots: { type: 'string', default: '4' },
    memory: { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '1' },
    'data-root': { type: 'string', default: os.tmpdir() },
    'nodes-root': { type: 'string' },
    launcher: { type: 'string' },
  },
});
const TASKS = Number(values.tasks);
const NODES = Number(values.nodes);
const SLOTS = Number(values.slots);
const PARALLEL = NODES * SLOTS;
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const command = (i: number): string => `/bin/echo task ${i}`;


/** The emulator's launcher processes: their own CPU, and that of the task processes they started. */
function launcherCpu(emulatorPid: number): { launchers: number; tasks: number } {
  const pids = spawnSync('pgrep', ['-P', String(emulatorPid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  let launchers = 0;
  let tasks = 0;
  for (const pid of pids) {
    try {
      const cpu = cpuSeconds(pid);
      launchers += cpu.self;
      tasks += cpu.children;
    } catch {
      // Gone meanwhile.
    }
  }
  return { launchers, tasks };
}

let xargsCpu = 0;

function runXargs(): number {
  const list = path.join(os.tmpdir(), `bench-commands-${process.pid}.txt`);
  fs.writeFileSync(list, Array.from({ length: TASKS }, (_, i) => command(i)).join('\n') + '\n');
  const started = process.hrtime.bigint();
  const result = spawnSync('/bin/sh', ['-c', `xargs -P${PARALLEL} -L1 < '${list}' > /dev/null; cat /proc/$$/stat`], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const fields = result.stdout.split(') ')[1].split(' ');
  xargsCpu = (Number(fields[13]) + Number(fields[14])) / 100;
  fs.rmSync(list);
  if (result.status !== 0) throw new Error(`xargs failed with ${result.status}`);
  return seconds;
}

async function runEmulator(): Promise<{ seconds: number; addSeconds: number; cpuSelf: number; cpuLaunchers: number; cpuTasks: number }> {
  const dataDir = fs.mkdtempSync(path.join(values['data-root']!, 'bench-emulator-'));
  const nodesDir = values['nodes-root'] ? fs.mkdtempSync(path.join(values['nodes-root'], 'bench-nodes-')) : undefined;
  const args = ['--data-dir', dataDir, '--pool', `local:${NODES}:${SLOTS}`];
  if (values.memory) args.push('--memory');
  if (nodesDir) args.push('--nodes-dir', nodesDir);
  if (values.launcher) args.push('--launcher', values.launcher);
  const emulator = await startEmulatorProcess(args);
  try {
    const client = new BatchServiceClient(new BatchSharedKeyCredentials(DEFAULT_ACCOUNT_NAME, DEFAULT_ACCOUNT_KEY), emulator.url);
    await client.job.add({ id: 'bench', poolInfo: { poolId: 'local' } });
    const before = cpuSeconds(emulator.pid);
    const started = process.hrtime.bigint();
    const chunks: number[] = [];
    for (let start = 0; start < TASKS; start += 100) chunks.push(start);
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < chunks.length) {
          const start = chunks[next++];
          const value = Array.from({ length: Math.min(100, TASKS - start) }, (_, k) => ({ id: `t${start + k}`, commandLine: command(start + k) }));
          const result = await client.task.addCollection('bench', value);
          const failed = result.value?.filter((r) => r.status !== 'success') ?? [];
          if (failed.length) throw new Error(`${failed.length} tasks were not added: ${failed[0].error?.code}`);
        }
      }),
    );
    const addSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (;;) {
      const counts = await client.job.getTaskCounts('bench');
      if (counts.taskCounts.completed === TASKS) {
        if (counts.taskCounts.failed) throw new Error(`${counts.taskCounts.failed} tasks failed`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const after = cpuSeconds(emulator.pid);
    const launchers = launcherCpu(emulator.pid);
    return { seconds, addSeconds, cpuSelf: after.self - before.self, cpuLaunchers: launchers.launchers, cpuTasks: launchers.tasks };
  } finally {
    await emulator.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (nodesDir) fs.rmSync(nodesDir, { recursive: true, force: true });
  }
}


async function main(): Promise<void> {
  console.log(
    `${TASKS} tasks, ${NODES} nodes x ${SLOTS} slots (xargs -P${PARALLEL}), ${os.cpus().length} CPUs, persistence ${values.memory ? 'memory' : 'disk'}, ` +
      `state under ${values['data-root']}, nodes under ${values['nodes-root'] ?? values['data-root']}, launcher ${values.launcher ?? 'auto'}`,
  );
  console.log(`load average before: ${os.loadavg().map((n) => n.toFixed(2)).join(' ')} (other work on the machine skews both sides)`);
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternating the two keeps a burst of outside load from favouring one side.
    const xargs = runXargs();
    const emulator = await runEmulator();
    ratios.push(emulator.seconds / xargs);
    // CPU spent on each side (tasks included) holds up better than wall time on a machine shared with other work.
    cpuRatios.push((emulator.cpuSelf + emulator.cpuLaunchers + emulator.cpuTasks) / xargsCpu);
    console.log(
      `round ${round}: xargs ${xargs.toFixed(2)} s (CPU ${xargsCpu.toFixed(2)} s), emulator ${emulator.seconds.toFixed(2)} s ` +
        `(all added after ${emulator.addSeconds.toFixed(2)} s; CPU: emulator ${emulator.cpuSelf.toFixed(2)} s, launchers ${emulator.cpuLaunchers.toFixed(2)} s, ` +
        `tasks ${emulator.cpuTasks.toFixed(2)} s), ratio ${(emulator.seconds / xargs).toFixed(2)}x`,
    );
  }
  console.log(`median ratio emulator / xargs: ${median(ratios).toFixed(2)}x wall time (goal <= 2x), ${median(cpuRatios).toFixed(2)}x CPU`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
