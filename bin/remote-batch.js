#!/usr/bin/env node
// The `remote-batch` command: src/cli/main.ts compiled into dist/cli/ (rebuilt
// here when a source is newer), so the installed command and the repository's
// sources are one and the same without a TypeScript loader at every run. When
// the bundle cannot be built, the sources run through tsx, which says why.
'use strict';
const { cliBundle, loadCompiled } = require('../scripts/compiledBundles');

void loadCompiled(cliBundle, 'src/cli/main.ts');
