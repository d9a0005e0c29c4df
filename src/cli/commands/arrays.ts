import type { Command } from 'commander';
import type { CommandContext } from '../context';
import { CliError, exitCodes } from '../exitCodes';
import { act } from '../program';

const notYet = () =>
  new CliError('array jobs are not available yet: this version of remote-batch has no mapSubmit. Submit single jobs with remote-batch submit.', exitCodes.usage);

/** `map` and `retry` are part of the command set; they wait on array jobs (mapSubmit) in the client. */
export function registerArrayCommands(program: Command, ctx: CommandContext): void {
  program
    .command('map')
    .summary('submit an array job: one child per element (array jobs are not available yet)')
    .argument('[script]', 'the JS/TS module to run for each element')
    .argument('[elements...]', 'the elements')
    .allowUnknownOption(true)
    .action(act(ctx, async () => Promise.reject(notYet())));
  program
    .command('retry')
    .summary("retry an array job's failed children (array jobs are not available yet)")
    .argument('[job-id]', 'the array job')
    .allowUnknownOption(true)
    .action(act(ctx, async () => Promise.reject(notYet())));
}
