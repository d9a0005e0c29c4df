import type { Command } from 'commander';
import { arrayJobStatuses, singleJobStatuses } from '../../model/status';
import { completionScript } from '../completion';
import type { CommandContext } from '../context';
import { exitCodes } from '../exitCodes';
import { choiceOption } from '../parse';
import { act } from '../act';

export function registerCompletion(program: Command, ctx: CommandContext): void {
  program
    .command('completion')
    .summary('print the shell completion script for bash or zsh')
    .description(
      'Prints a script that completes remote-batch commands, flags and --status/--type values, and files for script ' +
        'arguments. Load it in your shell: eval "$(remote-batch completion bash)" in ~/.bashrc, or ' +
        'eval "$(remote-batch completion zsh)" in ~/.zshrc.',
    )
    .argument('<shell>', 'bash or zsh', choiceOption('<shell>', ['bash', 'zsh'] as const))
    .action(
      act(ctx, async (shell: 'bash' | 'zsh') => {
        ctx.out.write(completionScript(shell, program, [...new Set([...singleJobStatuses, ...arrayJobStatuses])]));
        return exitCodes.ok;
      }),
    );
}
