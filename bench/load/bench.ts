/**
 * Many jobs at once on one local stack, every answer checked:
 *
 *   baseline   1 array of N command children and S/10 single jobs, alone
 *   load       10 such arrays and S single jobs, all submitted at once
 *
 *   npx tsx bench/load/bench.ts [--arrays 10] [--children 1000] [--singles 100] [--nodes 2] [--slots 4] [--latency-ms 0]
 *
 * Reports each wall time, the ratio of the load's wall time to ten baselines
 * run one after another (below 1: running them together pays), whether every
 * result was exactly right, and each service's peak RSS. Not part of npm test:
 * it takes many minutes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type ArrayJob, type BatchEnvironment, type BatchJob, batchEnvironment, mapSubmit, submit } from '../../src/client';
import type { LocalStack } from '../../src/stack/localStack';
import { startBenchStack } from '../support/benchStack';

const { values } = parseArgs({
  options: {
    arrays: { type: 'string', default: '10' },
    children: { type: 'string', default: '1000' },
    singles: { type: 'string', default: '100' },
    nodes: { type: 'string', default: '2' },
    slots: { type: 'string', default: '4' },
    'latency-ms': { type: 'string', default: '0' },
  },
});
const arrays = Number(values.arrays);
const children = Number(values.children);
const singles = Number(values.singles);

interface Work {
  arrays: { job: ArrayJob; elements: number[] }[];
  singles: { job: BatchJob; answer: number }[];
}

async function submitWork(env: BatchEnvironment, arrayCount: number, singleCount: number, seed: number): Promise<Work> {
  const arrayWork = Array.from({ length: arrayCount }, async (_, a) => {
    const elements = Array.from({ length: children }, (__, i) => seed + a * children + i);
    const job = await mapSubmit(env, { command: '/bin/sh -c "n=$(cat $REMOTE_BATCH_ELEMENT_FILE) && echo $((n * 3)) > result.json"' }, elements);
    return { job, elements };
  });
  const singleWork = Array.from({ length: singleCount }, async (_, s) => {
    const answer = seed + s;
    return { job: await submit(env, { command: `/bin/sh -c "echo ${answer} > result.json"` }), answer };
  });
  return { arrays: await Promise.all(arrayWork), singles: await Promise.all(singleWork) };
}

/** Waits for every job, then counts the answers that are not exactly what was asked for. */
async function finishAndCheck(work: Work): Promise<{ wrong: number; checked: number }> {
  let wrong = 0;
  let checked = 0;
  for (const { job, elements } of work.arrays) {
    await job.wait({ pollIntervalInMs: 2000 });
    const results = (await job.get('ChildJobEvaluationResults')) as unknown[];
    elements.forEach((element, at) => {
      checked++;
      if (results[at] !== element * 3) wrong++;
    });
  }
  for (const { job, answer } of work.singles) {
    await job.wait({ pollIntervalInMs: 2000 });
    checked++;
    if ((await job.get('JobStatus')) !== 'Succeeded' || (await job.get('EvaluationResult')) !== answer) wrong++;
  }
  return { wrong, checked };
}

function peakRssMiB(logsDir: string): Record<string, number> {
  const peaks: Record<string, number> = {};
  for (const name of fs.readdirSync(logsDir).filter((file) => file.endsWith('.pid'))) {
    const pid = fs.readFileSync(path.join(logsDir, name), 'utf8').trim();
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      peaks[name.replace(/\.pid$/, '')] = Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024);
    } catch {
      // Gone: nothing to report.
    }
  }
  return peaks;
}

async function run(name: string, arrayCount: number, singleCount: number): Promise<number> {
  const stack: LocalStack = await startBenchStack(path.join('bench-load', name), 'load', Number(values['latency-ms']) > 0 ? ['--latency-ms', values['latency-ms']] : [], {
    nodes: Number(values.nodes),
    slots: Number(values.slots),
  });
  const env = batchEnvironment({ poolId: 'load', temporal: { address: stack.temporalAddress, namespace: stack.namespace } });
  try {
    const started = Date.now();
    const work = await submitWork(env, arrayCount, singleCount, 1000);
    const { wrong, checked } = await finishAndCheck(work);
    const wallMs = Date.now() - started;
    console.log(`${name}: ${arrayCount} × ${children} children + ${singleCount} single jobs in ${(wallMs / 1000).toFixed(1)} s; ${checked - wrong}/${checked} answers exact`);
    console.log(`  peak RSS (MiB): ${JSON.stringify(peakRssMiB(stack.logsDir))}`);
    if (wrong > 0) process.exitCode = 1;
    return wallMs;
  } finally {
    await env.close();
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const baseline = await run('baseline', 1, Math.max(1, Math.round(singles / arrays)));
  const load = await run('load', arrays, singles);
  console.log(`load / (${arrays} × baseline) = ${(load / (arrays * baseline)).toFixed(2)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
