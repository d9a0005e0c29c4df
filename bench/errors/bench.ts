/**
 * Transient Batch errors should cost a retry, not a stall: the same workload
 * (a 300-child array plus 5 single jobs, all trivial commands, submitted
 * together) on a fresh local stack without errors and on one whose emulator
 * answers a fraction of all Batch calls with 503/500/429, in the same run.
 * Reports both times, their ratio, and whether every answer came out right.
 *
 *   npx tsx bench/errors/bench.ts [--error-rate 0.2] [--children 300] [--singles 5] [--latency-ms 0]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { batchEnvironment, mapSubmit, submit } from '../../src/client';
import { startBenchStack } from '../support/benchStack';

const { values } = parseArgs({
  options: {
    'error-rate': { type: 'string', default: '0.2' },
    children: { type: 'string', default: '300' },
    singles: { type: 'string', default: '5' },
    'latency-ms': { type: 'string', default: '0' },
  },
});
const pool = 'bench';

async function workload(name: string, errorRate: string): Promise<number> {
  const stack = await startBenchStack(path.join('bench-errors', name), pool, ['--latency-ms', values['latency-ms'], '--error-rate', errorRate]);
  const env = batchEnvironment({ poolId: pool, connection: 'local', temporal: { address: stack.temporalAddress } });
  try {
    const started = Date.now();
    const children = Array.from({ length: Number(values.children) }, (_, i) => i);
    const [array, ...singles] = await Promise.all([
      mapSubmit(env, { command: '/bin/echo child' }, children, { retryWindowInSeconds: 0 }),
      ...Array.from({ length: Number(values.singles) }, () => submit(env, { command: '/bin/echo single' })),
    ]);
    const statuses = await Promise.all(singles.map((job) => job.wait({ pollIntervalInMs: 250 })));
    await array!.wait({ pollIntervalInMs: 250 });
    const elapsed = Date.now() - started;
    const counts = (await array!.get('ChildJobCounts')) as Record<string, number>;
    const right = statuses.every((status) => status === 'Succeeded') && counts.succeeded === children.length;
    console.log(`${name}: ${(elapsed / 1000).toFixed(1)} s; singles ${statuses.join(',')}; children ${JSON.stringify(counts)}${right ? '' : '  WRONG ANSWER'}`);
    if (!right) process.exitCode = 1;
    return elapsed;
  } finally {
    await env.close();
    await stack.stop();
  }
}

async function main(): Promise<void> {
  console.log(`${values.children}-child array + ${values.singles} single jobs; error rate ${values['error-rate']} vs none; a fresh stack for each`);
  const clean = await workload('without errors', '0');
  const faulty = await workload(`with error rate ${values['error-rate']}`, values['error-rate']);
  console.log(`with errors / without = ${(faulty / clean).toFixed(2)}× (goal ≤ 2×)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
