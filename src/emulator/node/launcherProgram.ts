/**
 * The program of a launcher process, run with `node -e`. It exists because starting
 * a process blocks the caller for about a millisecond and costs more the bigger the
 * caller is: a few small launchers keep that off the emulator's event loop and spread
 * it over the CPUs.
 *
 * Protocol, one JSON object per line.
 *   in:  {"id":n,"file":…,"args":[…],"cwd":…,"env":{…},"stdout":path,"stderr":path}
 *        (cwd is created if missing; stdout and stderr are created empty)
 *   out: {"id":n,"pid":p} | {"id":n,"error":{"code":…,"message":…}} then {"id":n,"exit":code,"signal":sig}
 * When its input closes (the emulator is gone) it kills every process group it started.
 * It ignores SIGINT/SIGTERM sent to the emulator's process group: its end is the
 * emulator's decision, after the emulator has recorded what its tasks were doing.
 */
export const LAUNCHER_PROGRAM = String.raw`
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const groups = new Set();
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');
function launch(request) {
  let out, err;
  try {
    fs.mkdirSync(request.cwd, { recursive: true });
    out = fs.openSync(request.stdout, 'w');
    err = fs.openSync(request.stderr, 'w');
  } catch (error) {
    send({ id: request.id, error: { code: error.code || 'EIO', message: error.message } });
    send({ id: request.id, exit: null, signal: null });
    return;
  }
  let child;
  try {
    child = spawn(request.file, request.args, { cwd: request.cwd, env: request.env, stdio: ['ignore', out, err], detached: true });
  } catch (error) {
    fs.closeSync(out);
    fs.closeSync(err);
    send({ id: request.id, error: { code: error.code || 'EINVAL', message: error.message } });
    send({ id: request.id, exit: null, signal: null });
    return;
  }
  fs.closeSync(out);
  fs.closeSync(err);
  let failed = false;
  child.once('error', (error) => {
    failed = true;
    send({ id: request.id, error: { code: error.code || 'EIO', message: error.message } });
    send({ id: request.id, exit: null, signal: null });
  });
  if (child.pid !== undefined) {
    groups.add(child.pid);
    send({ id: request.id, pid: child.pid });
  }
  child.once('exit', (code, signal) => {
    groups.delete(child.pid);
    // Whatever the command left running in the background ends with it.
    try { process.kill(-child.pid, 'SIGKILL'); } catch {}
    if (!failed) send({ id: request.id, exit: code, signal });
  });
}
let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let newline;
  while ((newline = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, newline);
    buffer = buffer.slice(newline + 1);
    if (line) launch(JSON.parse(line));
  }
});
process.stdin.on('end', () => {
  for (const pid of groups) { try { process.kill(-pid, 'SIGKILL'); } catch {} }
  process.exit(0);
});
`;
