import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../src/stack/config';
import { findFreePort } from '../../src/stack/ports';
import { isAlive } from '../e2e/support/processes';

export interface StackCommand {
  child: ChildProcess;
  ports: { temporal: number; temporalUi: number; azurite: number; emulator: number };
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  exited: Promise<number | null>;
}

/** `remote-batch stack …` as a user types it, on free ports; resolves once it says it is up (or has exited). */
export async function startStackCommand(args: string[], readyTimeoutMs: number): Promise<StackCommand> {
  const ports = { temporal: await findFreePort(), temporalUi: await findFreePort(), azurite: await findFreePort(), emulator: await findFreePort() };
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'remote-batch.js'), 'stack', ...args], {
    cwd: repoRoot,
    env: {
      ...process.env,
      REMOTE_BATCH_TEMPORAL_PORT: String(ports.temporal),
      REMOTE_BATCH_TEMPORAL_UI_PORT: String(ports.temporalUi),
      REMOTE_BATCH_AZURITE_PORT: String(ports.azurite),
      REMOTE_BATCH_EMULATOR_PORT: String(ports.emulator),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + readyTimeoutMs;
  while (!output.includes('Press Ctrl-C to stop.') && Date.now() < deadline && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, ports, output: () => output, exited };
}

/** Ctrl-C, as a user presses it: the command exits 0 having stopped every service it started. */
export async function expectCtrlCStopsAll(stack: StackCommand, servicePids: number[]): Promise<void> {
  stack.child.kill('SIGINT');
  expect(await stack.exited).toBe(0);
  expect(stack.output()).toContain('stopped.');
  expect(servicePids.filter(isAlive)).toEqual([]);
}

/** For `finally`: whatever happened, the command does not outlive the test. */
export function killStackCommand(stack: StackCommand): void {
  if (stack.child.exitCode === null) stack.child.kill('SIGKILL');
}
