import type { Command } from 'commander';
import type { CommandContext } from '../context';
import { act } from '../act';

interface StackFlags {
  pools?: string;
  dataDir?: string;
  temporal?: string;
  workers?: string;
}

export function registerStack(program: Command, ctx: CommandContext): void {
  program
    .command('stack')
    .summary('start the local stack (Temporal + UI, Azurite, the Batch emulator, workers) until Ctrl-C')
    .description(
      'The same as npm run stack: starts a Temporal dev server with its Web UI, Azurite, the Azure Batch emulator and a ' +
        "worker, saves the connection 'local', and runs until Ctrl-C, which stops all of them. Ports come from " +
        'REMOTE_BATCH_TEMPORAL_PORT, REMOTE_BATCH_TEMPORAL_UI_PORT, REMOTE_BATCH_AZURITE_PORT, REMOTE_BATCH_EMULATOR_PORT. ' +
        'With --temporal postgres it runs the production topology instead: the real Temporal server (built once with Go ' +
        'into the user cache folder) on a PostgreSQL cluster of its own, with SQL visibility, and --workers workers on one task queue.',
    )
    .option('--pools <spec>', "the emulator's pools, id:nodes:slotsPerNode,… [env: REMOTE_BATCH_POOLS, default: local:2:4]")
    .option('--data-dir <dir>', 'where state and logs are kept [env: REMOTE_BATCH_DATA_DIR, default: .data/stack, .data/stack-postgres]')
    .option('--temporal <kind>', 'dev (the CLI dev server on SQLite) or postgres (the real server on PostgreSQL) [env: REMOTE_BATCH_TEMPORAL, default: dev]')
    .option('--workers <n>', 'worker processes on the task queue, 1 to 16 [env: REMOTE_BATCH_WORKERS, default: 1]')
    .action(
      act(ctx, async (flags: StackFlags) => {
        if (flags.pools) process.env.REMOTE_BATCH_POOLS = flags.pools;
        if (flags.dataDir) process.env.REMOTE_BATCH_DATA_DIR = flags.dataDir;
        if (flags.temporal) process.env.REMOTE_BATCH_TEMPORAL = flags.temporal;
        if (flags.workers) process.env.REMOTE_BATCH_WORKERS = flags.workers;
        // src/stack/main.ts runs the stack in the foreground and stops it on Ctrl-C, then exits the process
        // itself. Its handlers replace the CLI's, whose second Ctrl-C would exit before everything had stopped.
        process.removeAllListeners('SIGINT');
        require('../../stack/main');
        return new Promise<number>(() => undefined);
      }),
    );
}
