import { Command, Option } from 'commander';
import { registerAbort } from './commands/abort';
import { registerArrayCommands } from './commands/arrays';
import { registerCleanup } from './commands/cleanup';
import { registerCompletion } from './commands/completion';
import { registerEnv } from './commands/env';
import { registerLogin } from './commands/login';
import { registerLogs } from './commands/logs';
import { registerLs } from './commands/ls';
import { registerOutputs } from './commands/outputs';
import { registerResult } from './commands/result';
import { registerSchedule } from './commands/schedule';
import { registerStack } from './commands/stack';
import { registerStatus } from './commands/status';
import { registerSubmit } from './commands/submit';
import { registerThrottle } from './commands/throttle';
import { registerWatch } from './commands/watch';
import type { CommandContext } from './context';
import { exitCodes } from './exitCodes';

const { version } = require('../../package.json') as { version: string };

const exitCodeHelp = `
Exit codes:
  0    done; for commands that wait on a job, the job succeeded
  1    the job failed (or was aborted)
  2    usage error: unknown command or flag, bad value, no pool given, a file in the way
  3    not found: no such job, pool, connection, property, child or output file
  4    the job has not finished (--no-wait, --timeout passed, delete of a job in progress)
  5    credentials refused, or the connections file cannot be used
  6    Temporal, Azure Batch or Blob Storage cannot be reached
  130  interrupted (Ctrl-C)

Environment: REMOTE_BATCH_POOL, REMOTE_BATCH_CONNECTION, REMOTE_BATCH_CONNECTIONS_FILE,
REMOTE_BATCH_DATA_DIR, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, NO_COLOR. Shell completion:
eval "$(remote-batch completion bash)". Full reference: docs/cli.md.`;

/** The `remote-batch` command tree. Output and exits go through `ctx`, so tests run it in-process. */
export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('remote-batch');
  program
    .description('Durable batch jobs on Azure Batch, orchestrated by Temporal.')
    .version(version, '-V, --version')
    .addOption(new Option('--pool <id>', 'the Azure Batch pool jobs run on (the seed\'s PoolID) [env: REMOTE_BATCH_POOL]'))
    .addOption(new Option('--connection <name>', 'the saved connection to use [env: REMOTE_BATCH_CONNECTION, default: local]'))
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError('(add --help for usage)')
    .allowExcessArguments(false)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
    })
    .addHelpText('after', exitCodeHelp);

  registerLogin(program, ctx);
  registerEnv(program, ctx);
  registerSubmit(program, ctx);
  registerArrayCommands(program, ctx);
  registerStatus(program, ctx);
  registerLs(program, ctx);
  registerWatch(program, ctx);
  registerLogs(program, ctx);
  registerResult(program, ctx);
  registerOutputs(program, ctx);
  registerAbort(program, ctx);
  registerThrottle(program, ctx);
  registerSchedule(program, ctx);
  registerCleanup(program, ctx);
  registerStack(program, ctx);
  registerCompletion(program, ctx);

  // Every subcommand gets the strictness and the exit code table too.
  for (const command of program.commands) {
    command.allowExcessArguments(false);
    command.addHelpText('after', `\nExit codes: ${exitCodes.ok} ok, ${exitCodes.jobFailed} job failed, ${exitCodes.usage} usage, ${exitCodes.notFound} not found, ${exitCodes.notFinished} not finished, ${exitCodes.credentials} credentials, ${exitCodes.unavailable} unreachable (remote-batch --help).`);
  }
  return program;
}
