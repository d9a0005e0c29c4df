import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { InvalidSettingError } from '../model/errors';

const runnerPath = path.resolve(__dirname, '..', 'runner', 'scriptRunner.ts');

/** The user's module and our runner, bundled with their dependencies into one file that `node` runs. */
export async function bundleScript(scriptPath: string): Promise<string> {
  const absolute = path.resolve(scriptPath);
  if (!fs.existsSync(absolute) || !fs.statSync(absolute).isFile()) {
    throw new InvalidSettingError('script', `The script '${scriptPath}' does not exist (looked for ${absolute}).`);
  }
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
    const first = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } }[] }).errors?.[0];
    const where = first?.location ? ` at ${first.location.file}:${first.location.line}:${first.location.column}` : '';
    throw new InvalidSettingError('script', `The script '${scriptPath}' could not be bundled: ${first?.text ?? (error as Error).message}${where}.`);
  }
}
