import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startHarness, type Harness } from './harness';

/**
 * The official Python Batch SDK (azure-batch 15.1.0, api-version 2025-06-01), unmodified,
 * against the emulator. Its interpreter comes from BATCH_EMULATOR_PYTHON, or from a venv
 * the test makes once under .data/ (needs python3 and the package index); without either
 * the scenario is skipped and says why.
 */
const root = path.resolve(__dirname, '../..');
const venv = path.join(root, '.data', 'python-batch-sdk');
const PACKAGE = 'azure-batch==15.1.0';

function findPython(): { python?: string; reason?: string } {
  const configured = process.env.BATCH_EMULATOR_PYTHON;
  const candidate = configured ?? path.join(venv, 'bin', 'python');
  const hasSdk = (python: string): boolean => spawnSync(python, ['-c', 'import azure.batch'], { timeout: 30_000 }).status === 0;
  if (fs.existsSync(candidate) && hasSdk(candidate)) return { python: candidate };
  if (configured) return { reason: `BATCH_EMULATOR_PYTHON=${configured} cannot import azure.batch` };
  if (spawnSync('python3', ['-m', 'venv', venv], { timeout: 60_000 }).status !== 0) return { reason: 'python3 -m venv is not available' };
  const pip = spawnSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', PACKAGE], { timeout: 150_000, encoding: 'utf8' });
  if (pip.status !== 0) return { reason: `pip install ${PACKAGE} failed: ${(pip.stderr ?? '').trim().split('\n').pop()}` };
  return hasSdk(candidate) ? { python: candidate } : { reason: 'azure.batch is not importable after installing it' };
}

const found = findPython();
if (!found.python) console.warn(`Skipping the Python SDK scenario: ${found.reason}.`);
const maybe = found.python ? describe : describe.skip;

maybe('another official SDK: azure-batch for Python', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ persistence: 'memory' });
  });
  afterAll(() => h.close());

  test('the Python SDK adds a job and a task collection, lists with $filter/$select/paging, reads task state, times and files, and deletes a task', async () => {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(found.python!, [path.join(__dirname, 'python', 'sdk_smoke.py'), h.emulator.url, h.emulator.accountName, h.emulator.accountKey], { timeout: 60_000 }, (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
      ),
    );
    expect(JSON.parse(stdout)).toEqual({
      afterDelete: ['py-1', 'py-2', 'py-3'],
      jobState: 'active',
      duplicateJob: 'JobExists',
      addStatuses: ['success', 'success', 'success', 'success'],
      failed: ['py-1', 'py-3'],
      listed: ['py-0', 'py-1', 'py-2', 'py-3'],
      state: 'completed',
      exitCode: 0,
      timesParsed: true,
      stdout: 'hello from 2\n',
      missingTask: 'TaskNotFound',
      succeeded: 2,
    });
  });
});
