// `npm run lint` (and the first step of `npm test`): eslint's and
// typescript-eslint's recommended sets, type-aware promise checks, and import
// boundaries that keep workflow code deterministic and the emulator standalone.
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Every Node built-in, by bare name (`fs`, `fs/promises`, `child_process`) and
// with the `node:` scheme. Temporal's workflow bundler refuses them, and even a
// type-only import of one says the file is not sandbox code.
const nodeBuiltins = [...new Set(builtinModules.map((name) => name.replace(/^node:/, '')))];
const nodeBuiltinPaths = nodeBuiltins.map((name) => ({
  name,
  message: 'Node built-ins do not run in the Temporal workflow sandbox; do this in an activity.',
}));
const nodeSchemePattern = {
  group: ['node:*'],
  message: 'Node built-ins do not run in the Temporal workflow sandbox; do this in an activity.',
};

// Folders of worker-side code (SDK clients, files, processes). Workflow code may
// import their types, never their values.
const workerSideFolders = ['activities', 'client', 'stack', 'azure', 'connections', 'telemetry'];

// Folders the emulator must not import from: it shares only the wire protocol.
const orchestratorFolders = ['workflows', 'activities', 'client', 'stack'];

// One block per directory depth under src/emulator, so `../..` is matched
// exactly where it leaves the emulator (its own `model/`, `store/` … stay allowed).
const emulatorBoundaryBlocks = Array.from({ length: 8 }, (_, depth) => ({
  files: [`src/emulator/${'*/'.repeat(depth)}*.ts`],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\./){${depth + 1}}(${orchestratorFolders.join('|')})(/|$)`,
            message: 'src/emulator is a standalone Azure Batch service: it must not import the orchestrator.',
          },
        ],
      },
    ],
  },
}));

export default defineConfig(
  { ignores: ['node_modules/', '.data/', '.tools/', 'dist/', 'coverage/'] },

  {
    files: ['src/**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: fileURLToPath(new URL('.', import.meta.url)),
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `const { dropped: _dropped, ...rest } = value` is how a key is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },

  // The CLI loads each command's dependencies (Azure SDKs, zod, the stack) on
  // first use, with `require(...) as typeof import(...)`, to start fast; and it
  // reads its version from package.json.
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
    },
  },

  // Code that runs inside Temporal's deterministic workflow sandbox.
  {
    files: ['src/workflows/**/*.ts', 'src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltinPaths,
          patterns: [
            nodeSchemePattern,
            {
              regex: `^(\\.\\./)+(${workerSideFolders.join('|')})(/|$)`,
              allowTypeImports: true,
              message: 'Worker-side code does not run in the workflow sandbox: import its types only (`import type`).',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Not deterministic on replay: use `sleep` or `condition` from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Not deterministic on replay: loop over `sleep` from @temporalio/workflow.' },
        { name: 'process', message: 'The workflow sandbox has no process: pass what you need in the workflow input.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Not deterministic on replay: use `uuid4` from @temporalio/workflow, or an activity.' },
        { object: 'globalThis', property: 'setTimeout', message: 'Not deterministic on replay: use `sleep` from @temporalio/workflow.' },
        { object: 'globalThis', property: 'setInterval', message: 'Not deterministic on replay: use `sleep` from @temporalio/workflow.' },
        { object: 'globalThis', property: 'process', message: 'The workflow sandbox has no process.' },
      ],
    },
  },

  ...emulatorBoundaryBlocks,

  // One gateway per Azure service (src/azure): the only orchestrator code that
  // talks to the Azure SDKs, so error codes, retries and idempotency live in one place.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/azure/**', 'src/emulator/**', 'src/workflows/**', 'src/model/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@azure/batch', '@azure/storage-blob', '@azure/ms-rest-js', '@azure/identity', '@azure/core-*'],
              message: 'Only the gateways in src/azure talk to the Azure SDKs: add a method there.',
            },
          ],
        },
      ],
    },
  },
);
