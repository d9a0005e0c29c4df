import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loopback } from './config';
import { ManagedProcess } from './managedProcess';

/** The Debian package installed when no PostgreSQL is found (Temporal's `postgres12` plugin needs 12 or newer). */
const debianPackage = 'postgresql-15';
const minimumMajorVersion = 12;
/** PostgreSQL refuses to run as root; as root we run it as the user Debian's package creates. */
const serviceUser = 'postgres';

/** The role Temporal connects as. Not a secret: it guards a loopback-only test cluster, like the emulator's key. */
const temporalDatabaseUser = 'temporal';
const temporalDatabasePassword = 'temporal';

export class PostgresUnavailableError extends Error {
  constructor(details: string) {
    super(
      `PostgreSQL (${minimumMajorVersion} or newer) is not installed and could not be installed automatically.\n${details}\n` +
        `Install it (Debian/Ubuntu: apt-get install -y ${debianPackage}), or set POSTGRES_BIN_DIR to the folder holding its initdb and postgres.`,
    );
    this.name = 'PostgresUnavailableError';
  }
}

export interface PostgresOptions {
  /** State folder of this cluster; kept between runs. */
  dataDir: string;
  port: number;
  logFile: string;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

const isRoot = () => process.getuid?.() === 0;
const hasServerPrograms = (dir: string) => ['initdb', 'postgres', 'pg_isready'].every((name) => fs.existsSync(path.join(dir, name)));

function findBinDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.POSTGRES_BIN_DIR) return env.POSTGRES_BIN_DIR;
  const debianRoot = '/usr/lib/postgresql';
  const versions = fs.existsSync(debianRoot)
    ? fs.readdirSync(debianRoot).map(Number).filter((major) => major >= minimumMajorVersion).sort((a, b) => b - a)
    : [];
  const debian = versions.map((major) => path.join(debianRoot, String(major), 'bin')).find(hasServerPrograms);
  if (debian) return debian;
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8', env });
  const bindir = pgConfig.status === 0 ? pgConfig.stdout.trim() : undefined;
  return bindir && hasServerPrograms(bindir) ? bindir : undefined;
}

function runQuietly(command: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-8000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => resolve({ ok: false, output: error.message }));
    child.once('exit', (code) => resolve({ ok: code === 0, output: output.trim().split('\n').slice(-5).join('\n') }));
  });
}

/** initdb and postgres: found, or installed from Debian when we are root on a machine with apt-get. */
export async function ensurePostgresBinDir(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const found = findBinDir(env);
  if (found) {
    if (!hasServerPrograms(found)) throw new PostgresUnavailableError(`POSTGRES_BIN_DIR '${found}' lacks initdb, postgres or pg_isready.`);
    return found;
  }
  const canApt = isRoot() && spawnSync('apt-get', ['--version']).status === 0;
  if (!canApt) throw new PostgresUnavailableError(isRoot() ? 'No apt-get on this machine.' : 'Not running as root, so apt-get was not tried.');
  log(`installing ${debianPackage} with apt-get (once) ...`);
  const update = await runQuietly('apt-get', ['update']);
  const install = update.ok ? await runQuietly('apt-get', ['install', '-y', '--no-install-recommends', debianPackage]) : update;
  const installed = findBinDir(env);
  if (!install.ok || !installed) throw new PostgresUnavailableError(`apt-get install ${debianPackage} failed:\n${install.output}`);
  return installed;
}

/** A command line that runs `program` as the PostgreSQL service user when we are root. */
function asServiceUser(program: string, args: string[]): { command: string; args: string[] } {
  return isRoot() ? { command: 'runuser', args: ['-u', serviceUser, '--', program, ...args] } : { command: program, args };
}

function serviceUserIds(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, serviceUser], { encoding: 'utf8' }).stdout.trim());
  const ids = { uid: id('-u'), gid: id('-g') };
  if (!Number.isInteger(ids.uid) || ids.uid <= 0) {
    throw new PostgresUnavailableError(`Running as root, but there is no '${serviceUser}' user to run PostgreSQL as.`);
  }
  return ids;
}

/**
 * Where the cluster's files go: inside the stack's folder, unless the service
 * user cannot reach it (a clone under a private home folder, as root); then a
 * folder of its own under the system's temporary folder, named after the stack's.
 */
function clusterDir(dataDir: string): string {
  const wanted = path.join(dataDir, 'cluster');
  if (!isRoot()) return wanted;
  const reachable = spawnSync('runuser', ['-u', serviceUser, '--', 'test', '-x', dataDir]).status === 0;
  if (reachable) return wanted;
  const name = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `remote-batch-postgres-${name}`);
}

async function initCluster(binDir: string, cluster: string, log: (line: string) => void): Promise<void> {
  log(`creating a PostgreSQL cluster in ${cluster} ...`);
  const ids = serviceUserIds();
  fs.mkdirSync(cluster, { recursive: true, mode: 0o700 });
  // Beside the cluster, where the service user can read it (the stack's folder may be out of its reach).
  const passwordFile = path.join(path.dirname(cluster), `initdb-password-${process.pid}`);
  fs.writeFileSync(passwordFile, `${temporalDatabasePassword}\n`, { mode: 0o600 });
  if (ids) {
    fs.chownSync(cluster, ids.uid, ids.gid);
    fs.chownSync(passwordFile, ids.uid, ids.gid);
  }
  try {
    const initdb = asServiceUser(path.join(binDir, 'initdb'), [
      '-D', cluster,
      '-U', temporalDatabaseUser,
      `--pwfile=${passwordFile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=peer',
      '-E', 'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    const result = await runQuietly(initdb.command, initdb.args);
    if (!result.ok) throw new PostgresUnavailableError(`initdb failed in ${cluster}:\n${result.output}`);
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
}

async function acceptsConnections(binDir: string, port: number): Promise<boolean> {
  const ready = await runQuietly(path.join(binDir, 'pg_isready'), ['-q', '-h', loopback, '-p', String(port)]);
  return ready.ok;
}

/** A PostgreSQL cluster of our own on a loopback port (no unix socket), created on first use. */
export async function startPostgres(options: PostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const binDir = await ensurePostgresBinDir(log);
  // Absolute, so the command line names the stack's folder (how a later run recognises a leftover).
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const cluster = clusterDir(dataDir);
  if (!fs.existsSync(path.join(cluster, 'PG_VERSION'))) await initCluster(binDir, cluster, log);
  const postgres = asServiceUser(path.join(binDir, 'postgres'), [
    '-D', cluster,
    '-p', String(options.port),
    '-c', `listen_addresses=${loopback}`,
    // No unix socket: its path length is limited, and nothing here needs it.
    '-c', 'unix_socket_directories=',
    '-c', 'max_connections=200',
  ]);
  const server = await ManagedProcess.start({
    name: 'PostgreSQL',
    command: postgres.command,
    args: postgres.args,
    logFile: options.logFile,
    isReady: () => acceptsConnections(binDir, options.port),
  });
  return {
    host: loopback,
    port: options.port,
    user: temporalDatabaseUser,
    password: temporalDatabasePassword,
    stop: () => server.stop(),
  };
}
