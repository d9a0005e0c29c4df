import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { resolveConnection } from '../../src/connections/store';
import { activeServices, repoRoot, resolvedCompose } from './support/composeModel';
import { telemetrySettingsFromEnvironment } from '../../src/telemetry/telemetrySettings';
import { workerVariables } from './support/sourceVariables';

const files = ['docker-compose.yml', 'docker-compose.azure.yml'];
const azureSettings = {
  AZURE_BATCH_ENDPOINT: 'https://rbbatch.westeurope.batch.azure.com',
  AZURE_BATCH_ACCOUNT: 'rbbatch',
  AZURE_STORAGE_ACCOUNT: 'rbstorage',
  AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000001',
};
const model = resolvedCompose(files, azureSettings);
const worker = model.services.worker;

/** Variables @azure/identity's DefaultAzureCredential reads, from its own sources. */
function identityVariables(): Set<string> {
  const dist = path.join(path.dirname(require.resolve('@azure/identity')), '..', 'commonjs');
  const found = execFileSync('grep', ['-rhoE', 'AZURE_[A-Z_]+', dist, '--include=*.js'], { encoding: 'utf8' });
  return new Set(found.split('\n').filter(Boolean));
}

describe('docker-compose.azure.yml over docker-compose.yml', () => {
  test('Azurite and the emulator do not start; everything else does', () => {
    expect(activeServices(model).map((service) => service.name).sort()).toEqual(
      ['postgresql', 'temporal', 'temporal-init', 'temporal-schema', 'temporal-ui', 'worker'].sort(),
    );
    for (const service of activeServices(model)) {
      expect({ service: service.name, needs: Object.keys(service.dependsOn).filter((name) => ['azurite', 'batch-emulator'].includes(name)) }).toEqual({
        service: service.name,
        needs: [],
      });
    }
  });

  test('`--profile emulators` brings them back', () => {
    const withEmulators = resolvedCompose(files, azureSettings, ['--profile', 'emulators']);
    expect(Object.keys(withEmulators.services)).toEqual(expect.arrayContaining(['azurite', 'batch-emulator']));
  });

  test('the workers pass through every AZURE_* variable the code reads, and nothing the code or DefaultAzureCredential does not', () => {
    const ours = workerVariables();
    const identity = identityVariables();
    expect(identity.has('AZURE_CLIENT_ID')).toBe(true);
    for (const name of Object.keys(worker.environment)) {
      expect({ name, read: ours.has(name) || identity.has(name) }).toEqual({ name, read: true });
    }
    const azureNamesWeRead = [...ours].filter((name) => name.startsWith('AZURE_'));
    expect(azureNamesWeRead.length).toBeGreaterThanOrEqual(6);
    expect(Object.keys(worker.environment)).toEqual(expect.arrayContaining(azureNamesWeRead));
  });

  test('the workers still serve metrics on the compose network', () => {
    expect(telemetrySettingsFromEnvironment(worker.environment).metricsBindAddress).toMatch(/^0\.0\.0\.0:\d+$/);
  });

  test('with only endpoints and account names set, the worker’s own code resolves the `default` connection to Azure with Entra ID', () => {
    const connection = resolveConnection('default', { ...worker.environment, REMOTE_BATCH_CONNECTIONS_FILE: path.join(repoRoot, 'deploy', 'compose', 'no-connections.json') });
    expect(connection.batch).toEqual({ endpoint: azureSettings.AZURE_BATCH_ENDPOINT, accountName: 'rbbatch', accountKey: '' });
    expect(connection.storage).toEqual({ accountName: 'rbstorage', accountUrl: 'https://rbstorage.blob.core.windows.net', accountKey: '' });
    expect(worker.environment.AZURE_CLIENT_ID).toBe(azureSettings.AZURE_CLIENT_ID);
  });

  test('the connections file mounted into the workers is the one REMOTE_BATCH_AZURE_CONNECTIONS_FILE names, else an empty one', () => {
    const mountOf = (env: Record<string, string>) =>
      resolvedCompose(files, env).services.worker.volumes.find((volume) => volume.target === worker.environment.REMOTE_BATCH_CONNECTIONS_FILE)!;
    const byDefault = mountOf({});
    expect(() => resolveConnection('anything', { REMOTE_BATCH_CONNECTIONS_FILE: path.resolve(repoRoot, byDefault.source) })).toThrow(/No connection named 'anything'/);
    const saved = path.join(repoRoot, 'deploy', 'compose', 'connections.json');
    expect(path.resolve(repoRoot, mountOf({ REMOTE_BATCH_AZURE_CONNECTIONS_FILE: saved }).source)).toBe(saved);
  });
});
