#!/usr/bin/env node
// The local stack's Azure Batch emulator process: src/emulator/main.ts compiled
// into dist/emulator/ (rebuilt here when a source is newer), so it starts
// without compiling TypeScript on the way; its sources through tsx when the
// bundle cannot be built. Arguments as src/emulator/main.ts takes them.
'use strict';
const { emulatorBundle } = require('./compiledBundles');

emulatorBundle.currentBundle().then((bundle) => {
  if (bundle) {
    require('./compileCache').enableCompileCache(emulatorBundle.compileCacheDir);
    require(bundle);
  } else {
    require('tsx/cjs');
    require('../src/emulator/main.ts');
  }
});
