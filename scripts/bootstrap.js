#!/usr/bin/env node
// Installs node modules when they are missing or older than package-lock.json,
// so `npm run demo` and `npm test` work on a fresh clone with no `npm install`.
// Plain JavaScript with no dependencies: it runs before any are installed.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const lockFile = path.join(root, 'package-lock.json');
const installedMarker = path.join(root, 'node_modules', '.package-lock.json');

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`remote-batch needs Node.js 20.19 or newer; this is ${process.version}.`);
  process.exit(1);
}

const installedAt = mtime(installedMarker);
const lockedAt = mtime(lockFile);
// A node_modules linked from another clone (a git worktree's) is that clone's to install: `npm ci` here would empty it.
const linked = fs.lstatSync(path.join(root, 'node_modules'), { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
if (!linked && (installedAt === undefined || (lockedAt !== undefined && lockedAt > installedAt))) {
  console.log('remote-batch: installing node modules (first run) ...');
  const command = fs.existsSync(lockFile) ? 'ci' : 'install';
  const result = spawnSync('npm', [command, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`remote-batch: 'npm ${command}' failed (exit ${result.status}); see its output above.`);
    process.exit(result.status ?? 1);
  }
}

// The compiled command, worker and emulator, so their first start does not wait for the build.
void require('./compiledBundles').buildAll();
