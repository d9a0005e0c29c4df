/**
 * Splits a Batch command line into program and arguments the way a POSIX shell
 * would tokenize it (quotes and backslashes), without expanding anything: Batch
 * runs the command line without a shell, so `$VAR`, `*`, `|` and `>` reach the
 * program literally. Users who want a shell write `/bin/sh -c "..."`.
 */
export function splitCommandLine(commandLine: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArgument = false;
  let quote: '"' | "'" | undefined;

  for (let i = 0; i < commandLine.length; i++) {
    const char = commandLine[i];
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else current += char;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && i + 1 < commandLine.length && '"\\$`\n'.includes(commandLine[i + 1])) current += commandLine[++i];
      else current += char;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      inArgument = true;
    } else if (char === '\\' && i + 1 < commandLine.length) {
      current += commandLine[++i];
      inArgument = true;
    } else if (/\s/.test(char)) {
      if (inArgument) args.push(current);
      current = '';
      inArgument = false;
    } else {
      current += char;
      inArgument = true;
    }
  }
  if (quote) throw new CommandLineError(`The command line has an unterminated ${quote === '"' ? 'double' : 'single'} quote.`);
  if (inArgument) args.push(current);
  return args;
}

export class CommandLineError extends Error {
  override name = 'CommandLineError';
}
