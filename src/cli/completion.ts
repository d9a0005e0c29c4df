import type { Command } from 'commander';

/** Flags that take a value: the word after them is that value, not a command. */
function valueFlags(commands: Command[]): string[] {
  return [...new Set(commands.flatMap((command) => command.options.filter((option) => option.required || option.optional).map((option) => option.long!)))];
}

/** A command's flags as typed, long and short, plus --help; never --version (top level only). */
function flagsOf(command: Command): string[] {
  const flags = command.options.filter((option) => option.long !== '--version').flatMap((option) => [option.long, option.short]);
  return [...new Set([...flags.filter((flag): flag is string => Boolean(flag)), '--help'])];
}

/** Words offered for a flag's value, where there is a fixed set. */
function valueChoices(program: Command): Record<string, string[]> {
  const choices: Record<string, string[]> = {};
  for (const command of [program, ...program.commands]) {
    for (const option of command.options) {
      const set = (option as { argChoices?: string[] }).argChoices;
      if (set && option.long) choices[option.long] = set;
    }
  }
  return choices;
}

const quote = (words: string[]) => `'${words.join(' ')}'`;

/**
 * A bash completion function generated from the command tree itself, so it
 * offers exactly the commands and flags `--help` lists. Script paths and
 * folders complete as files.
 */
function bashFunction(program: Command, statuses: string[]): string {
  const commands = program.commands.filter((command) => command.name() !== 'help');
  const globalFlags = flagsOf(program);
  const valued = valueFlags([program, ...commands]);
  const choices: Record<string, string[]> = { ...valueChoices(program), '--status': statuses, '--type': ['Single', 'Array'] };
  const cases = commands
    .filter((command) => command.name() !== 'completion')
    .map((command) => `    ${command.name()}) flags=${quote([...new Set([...flagsOf(command), ...globalFlags])])} ;;`)
    .join('\n');
  const valueCases = Object.entries(choices)
    .map(([flag, words]) => `    ${flag}) COMPREPLY=($(compgen -W ${quote(words)} -- "$cur")); return ;;`)
    .join('\n');
  return `_remote_batch() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" command="" flags="" i word
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word="\${COMP_WORDS[i]}"
    case " ${valued.join(' ')} " in *" $word "*) (( i++ )); continue ;; esac
    case "$word" in -*) ;; *) command="$word"; break ;; esac
  done
  case "$prev" in
${valueCases}
  esac
  if [[ -z "$command" ]]; then
    if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W ${quote([...globalFlags, '--version'])} -- "$cur"))
    else COMPREPLY=($(compgen -W ${quote(commands.map((command) => command.name()).concat('help'))} -- "$cur")); fi
    return
  fi
  case "$command" in
${cases}
    completion) COMPREPLY=($(compgen -W 'bash zsh' -- "$cur")); return ;;
    help) COMPREPLY=($(compgen -W ${quote(commands.map((command) => command.name()))} -- "$cur")); return ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else COMPREPLY=($(compgen -f -- "$cur")); fi
}`;
}

/** The completion script for `shell`: bash natively, zsh through its bash compatibility (bashcompinit). */
export function completionScript(shell: 'bash' | 'zsh', program: Command, statuses: string[]): string {
  const body = bashFunction(program, statuses);
  if (shell === 'bash') {
    return `# remote-batch completion for bash. Load it with: eval "$(remote-batch completion bash)" (e.g. in ~/.bashrc)\n${body}\ncomplete -o filenames -F _remote_batch remote-batch\n`;
  }
  return (
    `# remote-batch completion for zsh. Load it with: eval "$(remote-batch completion zsh)" (e.g. in ~/.zshrc)\n` +
    `autoload -U +X compinit && { (( $+functions[compdef] )) || compinit; }\nautoload -U +X bashcompinit && bashcompinit\n` +
    `${body}\ncomplete -o filenames -F _remote_batch remote-batch\n`
  );
}
