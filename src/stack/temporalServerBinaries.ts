import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The newest server release the Go toolchain here builds (v1.31+ needs a newer Go). */
export const temporalServerVersion = 'v1.30.4';
const serverModule = 'go.temporal.io/server';

export class TemporalServerUnavailableError extends Error {
  constructor(details: string) {
    super(
      `The Temporal server ${temporalServerVersion} is not built and could not be built automatically.\n${details}\n` +
        'Install Go 1.24+ (the build takes about 7 minutes on 2 cores, once), then run again.',
    );
    this.name = 'TemporalServerUnavailableError';
  }
}

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  /** `schema/postgresql/v12` of the server module: `temporal/versioned` and `visibility/versioned`. */
  postgresSchemaDir: string;
}

/**
 * Built binaries are kept in the user's cache folder, not the clone: a build
 * takes minutes and is the same for every clone of the same version.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REMOTE_BATCH_CACHE_DIR) return env.REMOTE_BATCH_CACHE_DIR;
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'remote-batch');
}

function binariesIn(dir: string): TemporalServerBinaries {
  return {
    server: path.join(dir, 'temporal-server'),
    sqlTool: path.join(dir, 'temporal-sql-tool'),
    postgresSchemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
  };
}

function isComplete(binaries: TemporalServerBinaries): boolean {
  return (
    [binaries.server, binaries.sqlTool].every((file) => fs.existsSync(file)) &&
    fs.existsSync(path.join(binaries.postgresSchemaDir, 'temporal', 'versioned')) &&
    fs.existsSync(path.join(binaries.postgresSchemaDir, 'visibility', 'versioned'))
  );
}

function goCommand(env: NodeJS.ProcessEnv): string | undefined {
  const found = spawnSync('go', ['version'], { env, encoding: 'utf8' });
  return found.status === 0 ? 'go' : undefined;
}

function runGo(args: string[], env: NodeJS.ProcessEnv): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('go', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-64_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => resolve({ ok: false, output: error.message }));
    child.once('exit', (code) => resolve({ ok: code === 0, output: output.trim() }));
  });
}

const lastLines = (text: string, count = 8) => text.split('\n').slice(-count).join('\n');

/** Builds both binaries with `go install`, copies the schema out of the module cache, then moves all into place at once. */
async function build(target: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const staging = `${target}.building-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const goEnv = { ...env, GOBIN: staging, GOFLAGS: '-mod=mod' };
  const began = Date.now();
  const ticker = setInterval(() => log(`  ... still building the Temporal server (${Math.round((Date.now() - began) / 1000)}s)`), 60_000);
  try {
    const install = await runGo(
      ['install', `${serverModule}/cmd/server@${temporalServerVersion}`, `${serverModule}/cmd/tools/sql@${temporalServerVersion}`],
      goEnv,
    );
    if (!install.ok) throw new TemporalServerUnavailableError(`go install failed:\n${lastLines(install.output)}`);
    const download = await runGo(['mod', 'download', '-json', `${serverModule}@${temporalServerVersion}`], goEnv);
    const moduleDir = download.ok ? (JSON.parse(download.output) as { Dir?: string }).Dir : undefined;
    if (!moduleDir) throw new TemporalServerUnavailableError(`go mod download found no module folder:\n${lastLines(download.output)}`);
    fs.renameSync(path.join(staging, 'server'), path.join(staging, 'temporal-server'));
    fs.renameSync(path.join(staging, 'sql'), path.join(staging, 'temporal-sql-tool'));
    const schema = path.join('schema', 'postgresql', 'v12');
    fs.cpSync(path.join(moduleDir, schema), path.join(staging, schema), { recursive: true });
    // The module cache is read-only; the copy must be removable with the cache folder.
    fs.chmodSync(staging, 0o755);
    for (const entry of fs.readdirSync(path.join(staging, 'schema'), { recursive: true, withFileTypes: true })) {
      fs.chmodSync(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
    }
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
    log(`built the Temporal server ${temporalServerVersion} in ${Math.round((Date.now() - began) / 1000)}s`);
  } finally {
    clearInterval(ticker);
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The Temporal server and its SQL schema tool: from TEMPORAL_SERVER_DIR if set,
 * else from the user's cache folder, building them there with Go when missing.
 */
export async function ensureTemporalServerBinaries(
  log: (line: string) => void = console.log,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TemporalServerBinaries> {
  if (env.TEMPORAL_SERVER_DIR) {
    const given = binariesIn(env.TEMPORAL_SERVER_DIR);
    if (!isComplete(given)) {
      throw new TemporalServerUnavailableError(
        `TEMPORAL_SERVER_DIR is set to '${env.TEMPORAL_SERVER_DIR}', which lacks temporal-server, temporal-sql-tool or schema/postgresql/v12.`,
      );
    }
    return given;
  }
  const target = path.join(userCacheDir(env), `temporal-server-${temporalServerVersion.replace(/^v/, '')}`);
  const cached = binariesIn(target);
  if (isComplete(cached)) return cached;
  if (!goCommand(env)) throw new TemporalServerUnavailableError("No 'go' on PATH.");
  log(`building the Temporal server ${temporalServerVersion} and temporal-sql-tool with go install into ${target} (about 7 minutes on 2 cores, once) ...`);
  await build(target, env, log);
  return cached;
}
