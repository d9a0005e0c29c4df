/**
 * `tsx src/emulator/main.ts [--port 8777] [--host 127.0.0.1] [--account localbatch] [--key <base64>]
 *   [--data-dir .data/emulator] [--nodes-dir <dir>] [--pool local:2:4 ...] [--memory] [--error-rate 0.1] [--latency-ms 50]`
 * Flags win over BATCH_EMULATOR_PORT / _HOST / _ACCOUNT / _KEY / _DATA_DIR / _NODES_DIR / _POOLS.
 */
import { parseArgs } from 'node:util';
import { EmulatorConfigError, EmulatorPortInUseError, parsePoolSpecs, startEmulator, type EmulatorOptions } from './index';

const USAGE = `Usage: tsx src/emulator/main.ts [options]
  --port <n>          port to listen on (env BATCH_EMULATOR_PORT, default 8777; 0 = any free port)
  --host <addr>       address to listen on (env BATCH_EMULATOR_HOST, default 127.0.0.1)
  --account <name>    Batch account name (env BATCH_EMULATOR_ACCOUNT, default localbatch)
  --key <base64>      account key (env BATCH_EMULATOR_KEY, default the documented emulator key)
  --data-dir <dir>    state and node directories (env BATCH_EMULATOR_DATA_DIR, default .data/emulator)
  --nodes-dir <dir>   node and task directories, e.g. on a tmpfs (env BATCH_EMULATOR_NODES_DIR, default the data dir)
  --pool <id:n:s>     a pool of n nodes with s task slots each; repeatable or comma-separated
                      (env BATCH_EMULATOR_POOLS, default local:2:4)
  --memory            keep state in memory only (forgotten on exit)
  --error-rate <f>    answer this fraction of requests with 503/500/429 (fault injection)
  --latency-ms <n>    delay every request by n milliseconds (fault injection)
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
  return {
    port: number(values.port ?? env.BATCH_EMULATOR_PORT, '--port') ?? 8777,
    host: values.host ?? env.BATCH_EMULATOR_HOST,
    accountName: values.account ?? env.BATCH_EMULATOR_ACCOUNT,
    accountKey: values.key ?? env.BATCH_EMULATOR_KEY,
    dataDir: values['data-dir'] ?? env.BATCH_EMULATOR_DATA_DIR,
    nodesDir: values['nodes-dir'] ?? env.BATCH_EMULATOR_NODES_DIR,
    pools: poolText ? parsePoolSpecs(poolText) : undefined,
    persistence: values.memory ? 'memory' : 'disk',
    faults: { errorRate, latencyMs },
  };
}

function parse() {
  return parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      account: { type: 'string' },
      key: { type: 'string' },
      'data-dir': { type: 'string' },
      'nodes-dir': { type: 'string' },
      pool: { type: 'string', multiple: true },
      memory: { type: 'boolean' },
      'error-rate': { type: 'string' },
      'latency-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
}

async function main(): Promise<void> {
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
