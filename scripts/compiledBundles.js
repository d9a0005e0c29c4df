// The `remote-batch` command, the worker and the Batch emulator compiled into
// one file each with esbuild, so starting them does not pay for a TypeScript
// loader: dist/cli/remote-batch.js from src/cli/main.ts, dist/worker/worker.js
// from src/worker.ts, dist/emulator/emulator.js from src/emulator/main.ts, each
// rebuilt whenever one of the files it was built from is newer. Plain
// JavaScript: bin/remote-batch.js, scripts/worker.js, scripts/emulator.js and
// scripts/bootstrap.js load it before anything is compiled.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

// Sources find files beside themselves through __dirname (the script runner, the
// data folder); in a bundle that would be its dist folder. Each source's own folder
// is written in, relative to the bundle, so the bundle works wherever the clone is.
function sourceDirnamePlugin(bundlePath) {
  return {
    name: 'source-dirname',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
        const source = await fs.promises.readFile(args.path, 'utf8');
        const relative = path.relative(path.dirname(bundlePath), path.dirname(args.path)).split(path.sep).join('/');
        const contents = source.replace(/\b__dirname\b/g, `require('node:path').join(__dirname, ${JSON.stringify(relative)})`);
        return { contents, loader: 'ts' };
      });
    },
  };
}

/**
 * One compiled entry point: `bundlePath`, `isCurrent()`, and `currentBundle()`,
 * which builds it first when missing or older than its sources and resolves to
 * undefined when it cannot be built (esbuild missing, a source that does not
 * compile): the caller then runs the sources through tsx, which reports the error.
 * A bundle is loaded by a small launcher, never run as the main module, so its
 * sources' `require.main === module` blocks stay off.
 */
function compiledBundle(entryPath, bundlePath) {
  const entry = path.join(root, entryPath);
  const bundle = path.join(root, bundlePath);
  const folder = path.dirname(bundle);
  const inputsPath = path.join(folder, 'inputs.json');
  /** V8's compiled code of the modules a process loads (scripts/compileCache.js); emptied with each build. */
  const compileCacheDir = path.join(folder, 'compile-cache');

  function isCurrent() {
    const builtAt = mtime(bundle);
    if (builtAt === undefined) return false;
    let inputs;
    try {
      inputs = JSON.parse(fs.readFileSync(inputsPath, 'utf8'));
    } catch {
      return false;
    }
    return inputs.every((input) => {
      const changedAt = mtime(path.join(root, input));
      return changedAt !== undefined && changedAt <= builtAt;
    });
  }

  async function build() {
    const esbuild = require('esbuild');
    const startedAt = new Date();
    const temporary = `${bundle}.${process.pid}.tmp`;
    const result = await esbuild.build({
      entryPoints: [entry],
      outfile: temporary,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // node_modules stay where they are: they are plain JavaScript already, and some read files beside themselves.
      packages: 'external',
      metafile: true,
      logLevel: 'silent',
      plugins: [sourceDirnamePlugin(bundle)],
    });
    const inputs = Object.keys(result.metafile.inputs).map((input) => path.relative(root, path.resolve(input)).split(path.sep).join('/'));
    fs.writeFileSync(`${inputsPath}.${process.pid}.tmp`, JSON.stringify(inputs));
    fs.renameSync(`${inputsPath}.${process.pid}.tmp`, inputsPath);
    // Dated when the build began: a source saved while it ran is newer, and the next run rebuilds.
    fs.utimesSync(temporary, startedAt, startedAt);
    fs.renameSync(temporary, bundle);
    fs.rmSync(compileCacheDir, { recursive: true, force: true });
  }

  async function currentBundle() {
    if (isCurrent()) return bundle;
    try {
      fs.mkdirSync(folder, { recursive: true });
      await build();
      return bundle;
    } catch {
      return undefined;
    }
  }

  return { bundlePath: bundle, compileCacheDir, isCurrent, currentBundle };
}

const cliBundle = compiledBundle('src/cli/main.ts', 'dist/cli/remote-batch.js');
const workerBundle = compiledBundle('src/worker.ts', 'dist/worker/worker.js');
const emulatorBundle = compiledBundle('src/emulator/main.ts', 'dist/emulator/emulator.js');

/** Builds what is out of date; says which could not be built (they run through tsx) and returns their names. */
async function buildAll() {
  const bundles = { CLI: cliBundle, worker: workerBundle, 'Batch emulator': emulatorBundle };
  const built = await Promise.all(Object.values(bundles).map((bundle) => bundle.currentBundle()));
  const failed = Object.keys(bundles).filter((_, index) => !built[index]);
  if (failed.length) console.error(`remote-batch: the ${failed.join(', ')} could not be compiled; they will run their sources through tsx.`);
  return failed;
}

/**
 * Loads a compiled entry point, built first when out of date, with the code
 * cache; or, when it cannot be built, its TypeScript source (`source`, from the
 * repository's root) through tsx. Resolves with what the module exports.
 */
async function loadCompiled(bundle, source) {
  const built = await bundle.currentBundle();
  if (built) {
    require('./compileCache').enableCompileCache(bundle.compileCacheDir);
    return require(built);
  }
  require('tsx/cjs');
  return require(path.join(root, source));
}

module.exports = { cliBundle, workerBundle, emulatorBundle, buildAll, loadCompiled };

if (require.main === module) {
  buildAll().then((failed) => {
    if (failed.length) process.exitCode = 1;
  });
}
