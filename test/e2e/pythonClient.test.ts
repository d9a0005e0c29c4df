import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { resolveConnection } from '../../src/connections/store';
import { repoRoot } from '../../src/stack/config';

/** The stack's storage connection string: what a Python service is configured with beside the Temporal address. */
function storageConnectionString(): string {
  const { storage } = resolveConnection('local');
  if (!('connectionString' in storage)) throw new Error("The test stack's connection 'local' has no storage connection string.");
  return storage.connectionString;
}

describe('the Python client (clients/python) against the local stack', () => {
  it('passes its pytest suite: submit, result, failure, map, abort, retry, lost results named, settings checked at submit, MaxParallel, names and labels, RetryOn, dependencies, notifications checked, bad input named (settings, quotes, NaN, abort reasons, an unreachable Temporal), readers of a deleted job saying so', () => {
    // Creates .tools/python-client-venv when missing (reused while the requirements are unchanged) and installs the client.
    const output = execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'ensure-python-client-venv.js')], { encoding: 'utf8' });
    const python = output.trim().split('\n').at(-1)!;
    const pytest = spawnSync(python, ['-m', 'pytest', '-p', 'no:cacheprovider', '-q', path.join(repoRoot, 'clients', 'python', 'tests')], {
      // From outside the source tree, so the installed package is what is tested.
      cwd: path.join(repoRoot, '.tools'),
      encoding: 'utf8',
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
        TEMPORAL_NAMESPACE: 'default',
        AZURE_STORAGE_CONNECTION_STRING: storageConnectionString(),
      },
    });
    const report = `${pytest.stdout}${pytest.stderr}`;
    if (pytest.status !== 0) throw new Error(`pytest failed (exit ${pytest.status}):\n${report}`);
    expect(report).toMatch(/\b16 passed\b/);
  }, 900_000);
});
