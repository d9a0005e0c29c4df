import fs from 'node:fs';
import path from 'node:path';
import { runInMemory } from './runInMemory';

const docs = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'cli.md'), 'utf8');

/** `### \`name\` — …` sections of docs/cli.md, each with its synopsis: the first code block under the heading. */
function documentedCommands(): Map<string, string> {
  const sections = new Map<string, string>();
  for (const match of docs.matchAll(/^### `([a-z-]+)`[^\n]*\n([\s\S]*?)(?=^### |^## |(?![\s\S]))/gm)) {
    const synopsis = /```\n([\s\S]*?)```/.exec(match[2])?.[1] ?? '';
    sections.set(match[1], synopsis);
  }
  return sections;
}

/** Flags a help text lists under "Options:" (long and short), without --help. */
function helpFlags(help: string): string[] {
  const options = help.slice(help.indexOf('Options:'), help.indexOf('Global Options:') >= 0 ? help.indexOf('Global Options:') : undefined);
  const flags = [...options.matchAll(/^ {2}(?:(-[a-zA-Z]), )?(--[a-z][\w-]*)/gm)].flatMap((match) => [match[1], match[2]]);
  return flags.filter((flag): flag is string => Boolean(flag) && flag !== '--help' && flag !== '-h').sort();
}

function synopsisFlags(synopsis: string): string[] {
  return [...new Set([...synopsis.matchAll(/(?<![\w-])(--[a-z][\w-]*|-[a-zA-Z])(?![\w-])/g)].map((match) => match[1]))]
    .filter((flag) => !['--pool', '--connection', '--help'].includes(flag))
    .sort();
}

describe('docs/cli.md matches the command line exactly', () => {
  let commands: string[];
  beforeAll(async () => {
    const help = await runInMemory(['--help']);
    commands = [...help.stdout.slice(help.stdout.indexOf('Commands:')).matchAll(/^ {2}([a-z-]+)/gm)].map((match) => match[1]).filter((name) => name !== 'help');
  });

  it('documents every command, and no command the program lacks', () => {
    expect([...documentedCommands().keys()].sort()).toEqual([...commands].sort());
  });

  it("gives each command a synopsis with exactly the flags and arguments of its --help", async () => {
    const documented = documentedCommands();
    for (const command of commands) {
      const help = (await runInMemory([command, '--help'])).stdout;
      const synopsis = documented.get(command) ?? '';
      expect({ command, flags: synopsisFlags(synopsis) }).toEqual({ command, flags: helpFlags(help) });
      const usage = /^Usage: remote-batch \S+ (.*)$/m.exec(help)![1];
      for (const argument of usage.split(' ').filter((word) => word !== '[options]')) {
        expect({ command, synopsis, has: argument }).toEqual({ command, synopsis: expect.stringContaining(argument), has: argument });
      }
    }
  });

  it('lists the global options the program has', async () => {
    const help = (await runInMemory(['--help'])).stdout;
    const globals = helpFlags(help).filter((flag) => flag.startsWith('--'));
    const table = /\| global option \|[\s\S]*?\n\n/.exec(docs)?.[0] ?? '';
    for (const flag of globals) expect({ flag, documented: table.includes(`\`${flag}`) }).toEqual({ flag, documented: true });
  });
});
