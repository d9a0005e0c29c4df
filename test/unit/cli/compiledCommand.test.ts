import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const { cliBundle } = require(path.join(root, 'scripts', 'compiledBundles.js')) as {
  cliBundle: { bundlePath: string; isCurrent(): boolean; currentBundle(): Promise<string | undefined> };
};
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

describe('the compiled remote-batch command', () => {
  test('is built again when a source it was built from changed since, and then runs', async () => {
    expect(await cliBundle.currentBundle()).toBe(cliBundle.bundlePath);
    const source = path.join(root, 'src', 'cli', 'main.ts');
    const savedAt = fs.statSync(source).mtime;
    // As if the source had been saved after the build: the bundle dated a minute before it.
    const before = new Date(savedAt.getTime() - 60_000);
    fs.utimesSync(cliBundle.bundlePath, before, before);
    expect(cliBundle.isCurrent()).toBe(false);

    const run = spawnSync(process.execPath, [path.join(root, 'bin', 'remote-batch.js'), '--version'], { encoding: 'utf8' });
    expect(run.stdout.trim()).toBe(version);
    expect(cliBundle.isCurrent()).toBe(true);
    expect(fs.statSync(cliBundle.bundlePath).mtimeMs).toBeGreaterThanOrEqual(savedAt.getTime());
  });

  test('answers --help and runs a second time from its code cache alike', () => {
    const help = () => spawnSync(process.execPath, [path.join(root, 'bin', 'remote-batch.js'), '--help'], { encoding: 'utf8' });
    const first = help();
    const second = help();
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^Usage: remote-batch /);
    expect(second.stdout).toBe(first.stdout);
  });
});
