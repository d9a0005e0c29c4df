// A V8 code cache for the CommonJS modules a short-lived command loads, so its
// next run skips compiling them (for `remote-batch status`, Temporal's client
// and its protobuf definitions: about a sixth of the command's CPU time).
// Node 22 has this built in (module.enableCompileCache); Node 20 does not, so
// here each module is compiled through vm.Script with the cached data of its
// last run, and what V8 compiled is written back when the process exits.
// Plain JavaScript, loaded by bin/remote-batch.js before anything else.
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

function enableCompileCache(directory) {
  if (typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache(directory);
    return;
  }
  if (!vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER) return;
  fs.mkdirSync(directory, { recursive: true });
  const toWrite = [];
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename) {
    const stat = fs.statSync(filename);
    // V8 checks only the source's length against the data: the key holds the file's time too, so an edit is a miss.
    const key = createHash('sha1').update(`${filename}\0${stat.size}\0${stat.mtimeMs}`).digest('hex').slice(0, 20);
    const entry = path.join(directory, `${path.basename(filename)}-${key}`);
    let cachedData;
    try {
      cachedData = fs.readFileSync(entry);
    } catch {
      cachedData = undefined;
    }
    const source = content.startsWith('#!') ? `//${content}` : content;
    let script;
    try {
      script = new vm.Script(Module.wrap(source), { filename, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
    } catch {
      // Not CommonJS after all (an ES module in a .js file, which Node detects and loads as one): Node's own way.
      return compile.call(this, content, filename);
    }
    if (cachedData === undefined || script.cachedDataRejected) toWrite.push({ entry, script });
    const module = this;
    const require = (id) => module.require(id);
    require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
    require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
    require.main = process.mainModule;
    require.extensions = Module._extensions;
    require.cache = Module._cache;
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(module.exports, module.exports, require, module, filename, path.dirname(filename));
  };
  // Written at exit, not at compile: by then V8 has compiled the functions the command ran, and the data holds them too.
  process.once('exit', () => {
    for (const { entry, script } of toWrite) {
      try {
        const temporary = `${entry}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, script.createCachedData());
        fs.renameSync(temporary, entry);
      } catch {
        // A cache that cannot be written is only slower next time.
      }
    }
  });
}

module.exports = { enableCompileCache };
