#!/usr/bin/env node
// The `remote-batch` command: runs src/cli/main.ts through tsx's CommonJS hook,
// so the installed command and the repository's sources are one and the same.
'use strict';
require('tsx/cjs');
require('../src/cli/main.ts');
