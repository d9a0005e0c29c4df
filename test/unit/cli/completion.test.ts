import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runInMemory } from './runInMemory';

/** Loads the script into a real bash, completes `line` as if Tab were pressed at its end, and returns the offers. */
function complete(script: string, line: string, cwd = os.tmpdir()): string[] {
  const words = line.split(' ');
  const program =
    `${script}\nCOMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}\n` +
    `_remote_batch; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const run = spawnSync('bash', ['-c', program], { encoding: 'utf8', cwd });
  expect(run.stderr).toBe('');
  return run.stdout.split('\n').filter(Boolean).sort();
}

describe('shell completion', () => {
  let bash: string;
  beforeAll(async () => {
    const run = await runInMemory(['completion', 'bash']);
    expect(run.code).toBe(0);
    bash = run.stdout;
  });

  it('completes commands, each command\'s own flags, and global options before the command', () => {
    expect(complete(bash, 'remote-batch su')).toEqual(['submit']);
    expect(complete(bash, 'remote-batch c')).toEqual(['clean', 'completion']);
    expect(complete(bash, 'remote-batch clean --')).toEqual(
      ['--connection', '--dry-run', '--help', '--json', '--older-than', '--pool', '--status', '--workflow', '--yes'].sort(),
    );
    expect(complete(bash, 'remote-batch --pool local ls --p')).toEqual(['--page-token', '--pool']);
    expect(complete(bash, 'remote-batch --')).toEqual(['--connection', '--help', '--pool', '--version']);
  });

  it('offers the statuses after --status, the shells after completion, and files for a script', () => {
    expect(complete(bash, 'remote-batch ls --status R')).toEqual(['Running']);
    expect(complete(bash, 'remote-batch completion ')).toEqual(['bash', 'zsh']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-complete-'));
    try {
      fs.writeFileSync(path.join(dir, 'square.ts'), '');
      expect(complete(bash, 'remote-batch submit sq', dir)).toEqual(['square.ts']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives zsh the same completion through bashcompinit, and refuses other shells (exit 2)', async () => {
    const zsh = await runInMemory(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toContain('bashcompinit');
    expect(zsh.stdout).toContain(bash.slice(bash.indexOf('_remote_batch() {'), bash.indexOf('\ncomplete ')));
    const fish = await runInMemory(['completion', 'fish']);
    expect(fish.code).toBe(2);
    expect(fish.stderr).toContain('<shell> must be one of bash, zsh');
  });
});
