// The `remote-batch` command compiled into one file with esbuild, so running it
// does not pay for a TypeScript loader: dist/cli/remote-batch.js, built from
// src/cli/main.ts, rebuilt whenever one of the files it was built from is newer.
// Plain JavaScript: bin/remote-batch.js and scripts/bootstrap.js load it before
// anything is compiled.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'src', 'cli', 'main.ts');
const bundlePath = path.join(root, 'dist', 'cli', 'remote-batch.js');
const inputsPath = path.join(root, 'dist', 'cli', 'inputs.json');
/** V8's compiled code of the modules the command loads (scripts/compileCache.js); emptied with each build. */
const compileCacheDir = path.join(root, 'dist', 'cli', 'compile-cache');

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** True when the bundle exists and none of the files it was built from changed since. */
function isCurrent() {
  const builtAt = mtime(bundlePath);
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

// Sources find files beside themselves through __dirname (the script runner, the
// data folder); in the bundle that would be dist/cli. Each source's own folder is
// written in, relative to the bundle, so the bundle works wherever the clone is.
const sourceDirnamePlugin = {
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

/** Builds the bundle; throws with esbuild's messages when a source does not compile. */
async function build() {
  const esbuild = require('esbuild');
  const startedAt = new Date();
  const temporary = `${bundlePath}.${process.pid}.tmp`;
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
    plugins: [sourceDirnamePlugin],
  });
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.relative(root, path.resolve(input)).split(path.sep).join('/'));
  fs.writeFileSync(`${inputsPath}.${process.pid}.tmp`, JSON.stringify(inputs));
  fs.renameSync(`${inputsPath}.${process.pid}.tmp`, inputsPath);
  // Dated when the build began: a source saved while it ran is newer, and the next run rebuilds.
  fs.utimesSync(temporary, startedAt, startedAt);
  fs.renameSync(temporary, bundlePath);
  fs.rmSync(compileCacheDir, { recursive: true, force: true });
}

/**
 * The bundle's path, built first when missing or older than its sources, or
 * undefined when it cannot be built (esbuild missing, a source that does not
 * compile): the caller then runs the sources through tsx, which reports the error.
 */
async function currentBundle() {
  if (isCurrent()) return bundlePath;
  try {
    fs.mkdirSync(path.dirname(bundlePath), { recursive: true });
    await build();
    return bundlePath;
  } catch {
    return undefined;
  }
}

module.exports = { bundlePath, compileCacheDir, isCurrent, currentBundle };

if (require.main === module) {
  currentBundle().then((built) => {
    if (!built) {
      console.error('remote-batch: the CLI bundle could not be built; the command will run its sources through tsx.');
      process.exitCode = 1;
    }
  });
}
