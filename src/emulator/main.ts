/**
 * `tsx src/emulator/main.ts [--port 8777] [--host 127.0.0.1] [--account localbatch] [--key <base64>]
 *   [--subscription-id <guid>] [--data-dir .data/emulator] [--nodes-dir <dir>] [--pool local:2:4 ...] [--memory] [--error-rate 0.1] [--latency-ms 50]
 *   [--quota-active-jobs n] [--quota-dedicated-cores n] [--quota-low-priority-cores n] [--quota-pools n] [--max-nodes-per-pool n]
 *   [--fail-allocation <poolId> ...] [--preemption-every-ms n] [--resize-duration-ms n]`
 * Flags win over BATCH_EMULATOR_PORT / _HOST / _ACCOUNT / _KEY / _SUBSCRIPTION_ID / _DATA_DIR / _NODES_DIR / _POOLS / _QUOTA_* /
 * _MAX_NODES_PER_POOL / _FAIL_ALLOCATION / _RESIZE_DURATION_MS.
 */
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { DEFAULT_POOLS, EmulatorConfigError, EmulatorPortInUseError, parsePoolSpecs, startEmulator, type EmulatorOptions } from './index';

const USAGE = `Usage: tsx src/emulator/main.ts [options]
  --port <n>          port to listen on (env BATCH_EMULATOR_PORT, default 8777; 0 = any free port)
  --host <addr>       address to listen on (env BATCH_EMULATOR_HOST, default 127.0.0.1)
  --account <name>    Batch account name (env BATCH_EMULATOR_ACCOUNT, default localbatch)
  --key <base64>      account key (env BATCH_EMULATOR_KEY, default the documented emulator key)
  --subscription-id <guid>  the account's subscription: pools' subnets and managed images must be in it
                      (env BATCH_EMULATOR_SUBSCRIPTION_ID, default the documented one)
  --data-dir <dir>    state and node directories (env BATCH_EMULATOR_DATA_DIR, default .data/emulator)
  --nodes-dir <dir>   node and task directories, e.g. on a tmpfs (env BATCH_EMULATOR_NODES_DIR, default the data dir)
  --pool <id:n:s>     a pool of n nodes with s task slots each (n+m: m more low-priority/spot nodes);
                      repeatable or comma-separated (env BATCH_EMULATOR_POOLS, default local:2:4)
  --fail-allocation <poolId>   the pool's allocation fails: 0 nodes, resizeErrors AllocationFailed;
                      repeatable (env BATCH_EMULATOR_FAIL_ALLOCATION, comma-separated)
  --quota-active-jobs <n>        active jobs and job schedules (env BATCH_EMULATOR_QUOTA_ACTIVE_JOBS, default 300)
  --quota-dedicated-cores <n>    dedicated cores (env BATCH_EMULATOR_QUOTA_DEDICATED_CORES, default 900)
  --quota-low-priority-cores <n> low-priority cores (env BATCH_EMULATOR_QUOTA_LOW_PRIORITY_CORES, default 100)
  --quota-pools <n>              pools (env BATCH_EMULATOR_QUOTA_POOLS, default 100)
  --max-nodes-per-pool <n>       nodes one pool may have (env BATCH_EMULATOR_MAX_NODES_PER_POOL, default 2000)
  --resize-duration-ms <n>  how long a resize that adds nodes takes (env BATCH_EMULATOR_RESIZE_DURATION_MS, default 300;
                      0 = nodes idle at once; configured pools are ready at start either way)
  --memory            keep state in memory only (forgotten on exit)
  --launcher <kind>   what starts task processes: auto (default: python3 posix_spawn if available), node, python
                      (env BATCH_EMULATOR_LAUNCHER)
  --error-rate <f>    answer this fraction of requests with 503/500/429 (fault injection)
  --latency-ms <n>    delay every request by n milliseconds (fault injection)
  --preemption-every-ms <n>  preempt a busy low-priority node every n ms, restored n/2 ms later (fault injection)
  --help              show this text`;

function fail(message: string): never {
  process.stderr.write(`batch emulator: ${message}\n`);
  process.exit(2);
}

function number(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) fail(`${name} must be a number, not '${text}'.`);
  return value;
}

function readOptions(): EmulatorOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse().values;
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const env = process.env;
  const poolText = values.pool?.length ? values.pool.join(',') : env.BATCH_EMULATOR_POOLS;
  const errorRate = number(values['error-rate'], '--error-rate');
  const latencyMs = number(values['latency-ms'], '--latency-ms');
  const preemptionEveryMs = number(values['preemption-every-ms'], '--preemption-every-ms');
  const failing = new Set(
    (values['fail-allocation']?.length ? values['fail-allocation'] : (env.BATCH_EMULATOR_FAIL_ALLOCATION ?? '').split(','))
      .map((id) => id.trim().toLowerCase())
      .filter(Boolean),
  );
  const pools = poolText ? parsePoolSpecs(poolText) : failing.size ? DEFAULT_POOLS.map((pool) => ({ ...pool })) : undefined;
  for (const pool of pools ?? []) if (failing.has(pool.id.toLowerCase())) pool.failAllocation = true;
  const quotas = {
    activeJobAndJobScheduleQuota: number(values['quota-active-jobs'] ?? env.BATCH_EMULATOR_QUOTA_ACTIVE_JOBS, '--quota-active-jobs'),
    dedicatedCoreQuota: number(values['quota-dedicated-cores'] ?? env.BATCH_EMULATOR_QUOTA_DEDICATED_CORES, '--quota-dedicated-cores'),
    lowPriorityCoreQuota: number(values['quota-low-priority-cores'] ?? env.BATCH_EMULATOR_QUOTA_LOW_PRIORITY_CORES, '--quota-low-priority-cores'),
    poolQuota: number(values['quota-pools'] ?? env.BATCH_EMULATOR_QUOTA_POOLS, '--quota-pools'),
    maxNodesPerPool: number(values['max-nodes-per-pool'] ?? env.BATCH_EMULATOR_MAX_NODES_PER_POOL, '--max-nodes-per-pool'),
  };
  return {
    port: number(values.port ?? env.BATCH_EMULATOR_PORT, '--port') ?? 8777,
    host: values.host ?? env.BATCH_EMULATOR_HOST,
    accountName: values.account ?? env.BATCH_EMULATOR_ACCOUNT,
    accountKey: values.key ?? env.BATCH_EMULATOR_KEY,
    subscriptionId: values['subscription-id'] ?? env.BATCH_EMULATOR_SUBSCRIPTION_ID,
    dataDir: values['data-dir'] ?? env.BATCH_EMULATOR_DATA_DIR,
    nodesDir: values['nodes-dir'] ?? env.BATCH_EMULATOR_NODES_DIR,
    pools,
    persistence: values.memory ? 'memory' : 'disk',
    faults: { errorRate, latencyMs, preemptionEveryMs },
    quotas,
    launcher: (values.launcher ?? env.BATCH_EMULATOR_LAUNCHER) as EmulatorOptions['launcher'],
    resizeDurationMs: number(values['resize-duration-ms'] ?? env.BATCH_EMULATOR_RESIZE_DURATION_MS, '--resize-duration-ms'),
  };
}

function parse() {
  return parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      account: { type: 'string' },
      key: { type: 'string' },
      'subscription-id': { type: 'string' },
      'data-dir': { type: 'string' },
      'nodes-dir': { type: 'string' },
      pool: { type: 'string', multiple: true },
      memory: { type: 'boolean' },
      launcher: { type: 'string' },
      'error-rate': { type: 'string' },
      'latency-ms': { type: 'string' },
      'preemption-every-ms': { type: 'string' },
      'fail-allocation': { type: 'string', multiple: true },
      'quota-active-jobs': { type: 'string' },
      'quota-dedicated-cores': { type: 'string' },
      'quota-low-priority-cores': { type: 'string' },
      'quota-pools': { type: 'string' },
      'max-nodes-per-pool': { type: 'string' },
      'resize-duration-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
}

/**
 * Most of the emulator's heap is its tasks, which live as long as their jobs; what it allocates
 * per request dies young. V8's default lets the old generation grow to several times what
 * survived the last full collection while allocation is fast: with 100,000 tasks the process
 * held about twice its live heap. A fixed 1.1× keeps it near the live set for a little more
 * of the emulator's CPU (docs/benchmarks.md). Unlike a cap on the heap, it never runs out.
 */
const HEAP_GROWING_PERCENT = 10;

async function main(): Promise<void> {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  let options: EmulatorOptions;
  try {
    options = readOptions();
  } catch (error) {
    if (error instanceof EmulatorConfigError) fail(error.message);
    throw error;
  }
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator(options);
  } catch (error) {
    if (error instanceof EmulatorPortInUseError) {
      fail(`${error.message} Choose another port with --port <n> or BATCH_EMULATOR_PORT=<n>.`);
    }
    if (error instanceof EmulatorConfigError) fail(error.message);
    throw error;
  }
  process.stdout.write(`batch emulator listening on ${emulator.url} (account ${emulator.accountName})\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`batch emulator: error while stopping: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`batch emulator: ${error.message}\n`);
  process.exit(1);
});
