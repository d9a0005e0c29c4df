#!/usr/bin/env node
// Makes sure Debian's headless-capable `chromium` is installed for the browser
// test (test/e2e/ui): installs it with apt-get when it is missing and this runs
// as root; otherwise says what to do. Plain JavaScript, no dependencies.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

const chromiumPath = '/usr/bin/chromium';

function ensureChromium() {
  if (fs.existsSync(chromiumPath)) return chromiumPath;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    throw new Error(
      `The browser test needs Chromium at ${chromiumPath}. Install Debian's package as root: ` +
        `apt-get update && apt-get install -y chromium${hasApt ? '' : ' (no apt-get on this machine: install Chromium there yourself)'}.`,
    );
  }
  console.log('remote-batch: installing chromium (apt-get) for the browser test ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) throw new Error(`'apt-get ${args.join(' ')}' failed (exit ${result.status}); see its output above.`);
  }
  if (!fs.existsSync(chromiumPath)) throw new Error(`apt-get installed chromium but ${chromiumPath} is still missing.`);
  return chromiumPath;
}

module.exports = { ensureChromium, chromiumPath };

if (require.main === module) {
  try {
    console.log(ensureChromium());
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
