/**
 * Batch runs a command line without a shell but splits it into arguments at
 * quotes as a shell would; a quote left open cannot be launched. Found here,
 * the submission is refused instead of the task failing on the node.
 */
export function unclosedQuoteProblem(commandLine: string, field = 'command'): string | undefined {
  let open: { quote: string; at: number } | undefined;
  for (let i = 0; i < commandLine.length; i++) {
    const char = commandLine[i];
    if (open) {
      if (char === open.quote) open = undefined;
      else if (open.quote === '"' && char === '\\') i++;
    } else if (char === '\\') {
      i++;
    } else if (char === '"' || char === "'") {
      open = { quote: char, at: i + 1 };
    }
  }
  if (!open) return undefined;
  const kind = open.quote === '"' ? 'double' : 'single';
  return (
    `${field}: the command line has a ${kind} quote (${open.quote}) at character ${open.at} that is never closed; got ${JSON.stringify(commandLine)}. ` +
    `Close it, or escape it with a backslash (\\${open.quote}) to pass the quote itself.`
  );
}
