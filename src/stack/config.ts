import path from 'node:path';

/** Where the repository lives; every generated folder is inside it and git-ignored. */
export const repoRoot = path.resolve(__dirname, '..', '..');
export const toolsDir = path.join(repoRoot, '.tools');
export const defaultDataDir = path.join(repoRoot, '.data');

export interface StackPorts {
  temporal: number;
  temporalUi: number;
  azurite: number;
  emulator: number;
}

/** Environment variables that choose each port, named in every "port taken" error. */
export const portVariables: Record<keyof StackPorts, string> = {
  temporal: 'REMOTE_BATCH_TEMPORAL_PORT',
  temporalUi: 'REMOTE_BATCH_TEMPORAL_UI_PORT',
  azurite: 'REMOTE_BATCH_AZURITE_PORT',
  emulator: 'REMOTE_BATCH_EMULATOR_PORT',
};

const defaultPorts: StackPorts = { temporal: 7233, temporalUi: 8233, azurite: 10000, emulator: 8777 };

export function portsFromEnvironment(env: NodeJS.ProcessEnv = process.env): StackPorts {
  const ports = { ...defaultPorts };
  for (const key of Object.keys(ports) as (keyof StackPorts)[]) {
    const raw = env[portVariables[key]];
    if (raw === undefined || raw === '') continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RangeError(`${portVariables[key]} must be a port number from 1 to 65535, got '${raw}'.`);
    }
    ports[key] = port;
  }
  return ports;
}

/** The single host every local service binds to. */
export const loopback = '127.0.0.1';
