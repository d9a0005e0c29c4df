#!/usr/bin/env node
// The local stack's Azure Batch emulator process: src/emulator/main.ts compiled
// into dist/emulator/ (rebuilt here when a source is newer), so it starts
// without compiling TypeScript on the way; its sources through tsx when the
// bundle cannot be built. Arguments as src/emulator/main.ts takes them.
'use strict';
const { emulatorBundle, loadCompiled } = require('./compiledBundles');

void loadCompiled(emulatorBundle, 'src/emulator/main.ts');
