#!/usr/bin/env node
// Stops a local stack's services when the process that started them dies
// without stopping them (killed, crashed, its output pipe closed). Services run
// in their own process groups so that Ctrl-C reaches the stack's own handler;
// this is what keeps them from outliving it. Plain JavaScript, no dependencies.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [ownerPid, logsDir] = [Number(process.argv[2]), process.argv[3]];
const ours = new Set();

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPids() {
  let names = [];
  try {
    names = fs.readdirSync(logsDir).filter((name) => name.endsWith('.pid'));
  } catch {
    return [];
  }
  return names.map((name) => Number(fs.readFileSync(path.join(logsDir, name), 'utf8'))).filter(Number.isInteger);
}

const timer = setInterval(() => {
  if (alive(ownerPid)) {
    // Remember only what the owner started, so a later run's services are never touched.
    for (const pid of readPids()) ours.add(pid);
    return;
  }
  for (const pid of ours) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  clearInterval(timer);
}, 500);
