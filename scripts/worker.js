#!/usr/bin/env node
// The local stack's worker process: src/worker.ts compiled into dist/worker/
// (rebuilt here when a source is newer), so a worker starts without compiling
// TypeScript on the way (about a third of its start-up CPU); its sources
// through tsx when the bundle cannot be built. Containers run
// `node --import tsx src/worker.ts` (deploy/Dockerfile).
'use strict';
const { loadCompiled, workerBundle } = require('./compiledBundles');

loadCompiled(workerBundle, 'src/worker.ts')
  .then((worker) => worker.runWorker())
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
