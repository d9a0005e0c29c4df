import { spawnSync } from 'node:child_process';

/** A Compose implementation: Docker's `docker compose` plugin or Debian's `docker-compose`. */
export interface ComposeTool {
  command: string;
  baseArgs: string[];
}

const candidates: ComposeTool[] = [
  { command: 'docker', baseArgs: ['compose'] },
  { command: 'docker-compose', baseArgs: [] },
];

function works(tool: ComposeTool): boolean {
  const result = spawnSync(tool.command, [...tool.baseArgs, 'version'], { encoding: 'utf8' });
  return result.status === 0;
}

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

/**
 * The test setup step for the compose validation: finds a Compose implementation
 * and, where none is present and we are root on Debian, installs the
 * `docker-compose` package (its `config` runs offline, no engine needed).
 */
export function ensureComposeTool(): ComposeTool {
  const present = candidates.find(works);
  if (present) return present;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('apt-get', ['--version']).status === 0;
  if (isRoot && hasApt) {
    const install = ['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=600', 'docker-compose'];
    if (!run('apt-get', install)) {
      run('apt-get', ['update', '-o', 'DPkg::Lock::Timeout=600']);
      run('apt-get', install);
    }
    const installed = candidates.find(works);
    if (installed) return installed;
  }
  throw new Error(
    'The compose validation needs a Compose implementation and none was found: install Debian\'s ' +
      '`docker-compose` package (`apt-get install docker-compose`, as root) or Docker Compose v2 (`docker compose`).' +
      (isRoot ? '' : ' Not running as root, so the tests could not install it themselves.'),
  );
}

/** The caller's own settings would change what the file resolves to; the tests pass theirs explicitly. */
function withoutComposeSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^(REMOTE_BATCH_|AZURE_|POSTGRES_|COMPOSE_|TEMPORAL_)/.test(name)));
}

/** `config` of the given compose files: the fully resolved model, as YAML text. */
export function composeConfig(tool: ComposeTool, cwd: string, files: string[], env: NodeJS.ProcessEnv = {}, extraArgs: string[] = []): string {
  const args = [...tool.baseArgs, ...files.flatMap((file) => ['-f', file]), ...extraArgs, 'config'];
  const result = spawnSync(tool.command, args, { cwd, encoding: 'utf8', env: { ...withoutComposeSettings(process.env), ...env } });
  if (result.status !== 0) {
    throw new Error(`${tool.command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
  }
  return result.stdout;
}
