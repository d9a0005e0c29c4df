import { spawn } from 'node:child_process';
import path from 'node:path';

export const binPath = path.resolve(__dirname, '..', '..', '..', '..', 'bin', 'remote-batch.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Every byte the CLI printed in this test file, for the secrets scan. */
export const printed: string[] = [];

/** The environment the stack's tests run the CLI with: its Temporal, its connections file, pool `local`. */
export function stackEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
    REMOTE_BATCH_CONNECTIONS_FILE: process.env.REMOTE_BATCH_CONNECTIONS_FILE,
    REMOTE_BATCH_POOL: 'local',
    NO_COLOR: '1',
    ...extra,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}

/** The real `remote-batch` binary in a child process, stdin from `input` (a pipe, not a terminal). */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], { env: options.env ?? stackEnv(), cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      printed.push(stdout, stderr);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
