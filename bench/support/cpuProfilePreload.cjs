/**
 * A V8 CPU profile of a stack process, written in chunks while it runs: node
 * refuses --cpu-prof in NODE_OPTIONS, and a stack process stopped by a signal
 * would never write one anyway.
 *
 *   BENCH_PROFILE_DIR=<dir> BENCH_PROFILE_MATCH='worker\.ts' NODE_OPTIONS="--require $PWD/bench/support/cpuProfilePreload.cjs" npx tsx bench/array/bench.ts …
 *
 * Every node process started with it whose command line matches
 * BENCH_PROFILE_MATCH (a regular expression) writes <dir>/<name>-<pid>-<n>.cpuprofile
 * every BENCH_PROFILE_CHUNK_MS (5000 by default); bench/support/profileSummary.ts reads them.
 */
'use strict';
const dir = process.env.BENCH_PROFILE_DIR;
const match = process.env.BENCH_PROFILE_MATCH;
const commandLine = process.argv.join(' ');
if (dir && match && new RegExp(match).test(commandLine)) {
  const fs = require('node:fs');
  const path = require('node:path');
  const inspector = require('node:inspector');
  const chunkMs = Number(process.env.BENCH_PROFILE_CHUNK_MS || 5000);
  const name = (new RegExp(match).exec(commandLine)[0] || 'process').replace(/[^A-Za-z0-9]+/g, '_');
  fs.mkdirSync(dir, { recursive: true });
  const session = new inspector.Session();
  session.connect();
  let chunk = 0;
  const start = () => session.post('Profiler.start');
  const write = (restart) =>
    session.post('Profiler.stop', (error, result) => {
      if (!error && result && result.profile) {
        chunk++;
        fs.writeFileSync(path.join(dir, `${name}-${process.pid}-${String(chunk).padStart(4, '0')}.cpuprofile`), JSON.stringify(result.profile));
      }
      if (restart) start();
    });
  session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 1000 }, start));
  setInterval(() => write(true), chunkMs).unref();
}
