import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { InvalidSettingError } from '../model/errors';
import { defaultExportName } from '../model/scriptJob';

const runnerPath = path.resolve(__dirname, '..', 'runner', 'scriptRunner.ts');

function bundleError(scriptPath: string, error: unknown): InvalidSettingError {
  const first = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } }[] }).errors?.[0];
  const where = first?.location ? ` at ${first.location.file}:${first.location.line}:${first.location.column}` : '';
  return new InvalidSettingError('script', `The script '${scriptPath}' could not be bundled: ${first?.text ?? (error as Error).message}${where}.`);
}

/**
 * Refuses an export an ES module does not have, here rather than on the node.
 * A CommonJS module's exports are only known when it runs, so it is let through.
 */
async function checkExport(scriptPath: string, absolute: string, exportName: string): Promise<void> {
  let result;
  try {
    result = await build({ entryPoints: [absolute], bundle: false, write: false, metafile: true, format: 'esm', platform: 'node', logLevel: 'silent', outdir: 'out' });
  } catch (error) {
    throw bundleError(scriptPath, error);
  }
  const input = Object.values(result.metafile.inputs)[0];
  if (input?.format !== 'esm') return;
  const exported = Object.values(result.metafile.outputs)[0]?.exports ?? [];
  if (exported.includes(exportName)) return;
  const named = exportName === 'default' ? 'default export' : `export named '${exportName}'`;
  throw new InvalidSettingError(
    'exportName',
    `The script '${scriptPath}' has no ${named}; it exports ${exported.length ? exported.map((name) => `'${name}'`).join(', ') : 'nothing'}. Name the function to call with exportName (--export).`,
  );
}

/** The user's module and our runner, bundled with their dependencies into one file that `node` runs. */
export async function bundleScript(scriptPath: string, exportName = defaultExportName): Promise<string> {
  const absolute = path.resolve(scriptPath);
  if (!fs.existsSync(absolute)) throw new InvalidSettingError('script', `The script '${scriptPath}' does not exist (looked for ${absolute}).`);
  if (!fs.statSync(absolute).isFile()) {
    throw new InvalidSettingError('script', `The script '${scriptPath}' is a folder; give the JS/TS module to run, such as ${path.join(scriptPath, 'index.ts')}.`);
  }
  await checkExport(scriptPath, absolute, exportName);
  const entry =
    `import * as userModule from ${JSON.stringify(absolute)};\n` +
    `import { runScriptJob } from ${JSON.stringify(runnerPath)};\n` +
    'runScriptJob(userModule).catch((error) => { console.error(error); process.exitCode = 1; });\n';
  try {
    const result = await build({
      stdin: { contents: entry, resolveDir: path.dirname(absolute), loader: 'ts', sourcefile: 'remote-batch-entry.ts' },
      bundle: true,
      platform: 'node',
      target: 'node18',
      format: 'cjs',
      write: false,
      logLevel: 'silent',
      sourcemap: 'inline',
    });
    return result.outputFiles[0].text;
  } catch (error) {
    throw bundleError(scriptPath, error);
  }
}
