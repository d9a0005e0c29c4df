import type { Command } from 'commander';
import type { CommandContext } from '../context';
import { act } from '../program';

interface StackFlags {
  pools?: string;
  dataDir?: string;
}

export function registerStack(program: Command, ctx: CommandContext): void {
  program
    .command('stack')
    .summary('start the local stack (Temporal + UI, Azurite, the Batch emulator, a worker) until Ctrl-C')
    .description(
      'The same as npm run stack: starts a Temporal dev server with its Web UI, Azurite, the Azure Batch emulator and a ' +
        "worker, saves the connection 'local', and runs until Ctrl-C, which stops all of them. Ports come from " +
        'REMOTE_BATCH_TEMPORAL_PORT, REMOTE_BATCH_TEMPORAL_UI_PORT, REMOTE_BATCH_AZURITE_PORT, REMOTE_BATCH_EMULATOR_PORT.',
    )
    .option('--pools <spec>', "the emulator's pools, id:nodes:slotsPerNode,… [env: REMOTE_BATCH_POOLS, default: local:2:4]")
    .option('--data-dir <dir>', 'where state and logs are kept [env: REMOTE_BATCH_DATA_DIR, default: .data/stack]')
    .action(
      act(ctx, async (flags: StackFlags) => {
        if (flags.pools) process.env.REMOTE_BATCH_POOLS = flags.pools;
        if (flags.dataDir) process.env.REMOTE_BATCH_DATA_DIR = flags.dataDir;
        // src/stack/main.ts runs the stack in the foreground and stops it on Ctrl-C, then exits the process
        // itself. Its handlers replace the CLI's, whose second Ctrl-C would exit before everything had stopped.
        process.removeAllListeners('SIGINT');
        require('../../stack/main');
        return new Promise<number>(() => undefined);
      }),
    );
}
