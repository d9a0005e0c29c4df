import { CommanderError } from 'commander';
import { CommandContext } from './context';
import { explainError } from './errors';
import { exitCodes } from './exitCodes';
import type { CliIO } from './io';
import { buildProgram } from './program';

/** Commander's own ways to end: help and version are fine; anything else is a usage error. */
function commanderExitCode(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return exitCodes.ok;
  if (error.code === 'commander.help') return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
  return exitCodes.usage;
}

/**
 * Runs one `remote-batch` command line (without the node and script entries)
 * and returns its exit code. Never throws: every failure becomes a message on
 * stderr and a documented exit code.
 */
export async function runCli(args: string[], io: CliIO): Promise<number> {
  const ctx = new CommandContext(io);
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(args, { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      const negative = args.find((arg) => /^-\d/.test(arg));
      if (error.code === 'commander.unknownOption' && negative !== undefined) {
        io.stderr.write(`(a negative number is an argument, not a flag: put arguments after --, e.g. remote-batch map job.ts -- 1 ${negative})\n`);
      }
      return commanderExitCode(error);
    }
    const explained = explainError(error, { temporalAddress: ctx.temporalAddress, environment: ctx.describeEnvironment() });
    io.stderr.write(`remote-batch: ${explained.message}\n`);
    if (io.env.REMOTE_BATCH_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return explained.exitCode;
  } finally {
    await ctx.close();
  }
}
