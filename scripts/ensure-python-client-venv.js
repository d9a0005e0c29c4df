#!/usr/bin/env node
// Makes the virtualenv the Python client's tests run in (.tools/python-client-venv,
// git-ignored): created with Python 3.10+ when missing or when the client's
// requirements changed, then the client (clients/python) installed into it
// afresh, so the tests always run the checked-out code. Plain JavaScript, no
// dependencies. Prints the venv's python path.
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const clientDir = path.join(root, 'clients', 'python');
const venvDir = path.join(root, '.tools', 'python-client-venv');
const stampFile = path.join(venvDir, 'remote-batch-requirements.sha256');
const testRequirements = ['pytest>=8,<10'];

function run(command, args, what) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error || result.status !== 0) {
    throw new Error(`${what} failed (${result.error ? result.error.message : `exit ${result.status}`}): ${command} ${args.join(' ')}`);
  }
}

/** The first Python 3.10+ on PATH. */
function findPython() {
  for (const candidate of ['python3.11', 'python3.12', 'python3.13', 'python3.10', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import sys, venv; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    const [major, minor] = probe.stdout.trim().split('.').map(Number);
    if (major === 3 && minor >= 10) return candidate;
  }
  throw new Error('The Python client tests need Python 3.10 or newer with its venv module (e.g. apt-get install -y python3 python3-venv).');
}

/** Debian's python3 makes no virtualenv without its python3-venv package: installed (as root) when that is what fails. */
function createVenv(python) {
  if (spawnSync(python, ['-m', 'venv', venvDir], { cwd: root, stdio: 'inherit' }).status === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(`'${python} -m venv' failed; install your Python's venv support (Debian: apt-get install -y python3-venv).`);
  }
  fs.rmSync(venvDir, { recursive: true, force: true });
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'python3-venv']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) throw new Error(`'apt-get ${args.join(' ')}' failed (exit ${result.status}); see its output above.`);
  }
  run('python3', ['-m', 'venv', venvDir], 'creating the virtualenv');
}

/** What the venv's installed requirements depend on: the client's pyproject and the test tools. */
function requirementsStamp() {
  const hash = crypto.createHash('sha256');
  hash.update(fs.readFileSync(path.join(clientDir, 'pyproject.toml')));
  hash.update(testRequirements.join('\n'));
  return hash.digest('hex');
}

function ensurePythonClientVenv() {
  const python = path.join(venvDir, 'bin', 'python');
  const stamp = requirementsStamp();
  const current = fs.existsSync(stampFile) && fs.existsSync(python) ? fs.readFileSync(stampFile, 'utf8').trim() : undefined;
  if (current !== stamp) {
    console.log('remote-batch: creating the Python client test virtualenv in .tools/python-client-venv ...');
    fs.rmSync(venvDir, { recursive: true, force: true });
    createVenv(findPython());
    run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', clientDir, ...testRequirements], 'installing the client and pytest');
    fs.writeFileSync(stampFile, `${stamp}\n`);
  } else {
    // Requirements unchanged: only the client's own code is installed again.
    run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--force-reinstall', clientDir], 'reinstalling the client');
  }
  return python;
}

module.exports = { ensurePythonClientVenv };

if (require.main === module) {
  try {
    console.log(ensurePythonClientVenv());
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
