import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { resolveConnection } from '../../src/connections/store';
import { parsePoolSpecs } from '../../src/emulator/config';
import { searchAttributeKeys } from '../../src/model/searchAttributes';
import { azuriteAccountKey, azuriteAccountName } from '../../src/stack/azurite';
import { portsFromEnvironment } from '../../src/stack/config';
import { localBatchAccountKey, localBatchAccountName } from '../../src/stack/localStack';
import { metricsPortVariable, metricsUrl, telemetrySettingsFromEnvironment } from '../../src/telemetry/telemetrySettings';
import { workflowBundleVariable } from '../../src/workflowBundle';
import { activeServices, flagValue, repoPathOfImagePath, repoRoot, resolvedCompose, type ComposeService } from './support/composeModel';
import { variablesReadBy, workerVariables as readByWorker } from './support/sourceVariables';

const model = resolvedCompose(['docker-compose.yml']);
const service = (name: string): ComposeService => {
  const found = model.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service '${name}'`);
  return found;
};
const published = (name: string, target: number) => service(name).ports.find((port) => port.target === target);
const oneShots = ['temporal-schema', 'temporal-init'];
const workerVariables = readByWorker();

/** The bind-mounted host file behind a container path of a service. */
function mountedFile(serviceName: string, containerPath: string): string {
  const mount = service(serviceName).volumes.find((volume) => volume.target === containerPath);
  if (!mount?.bind) throw new Error(`${serviceName} mounts no file at ${containerPath}`);
  return path.resolve(repoRoot, mount.source);
}

describe('docker-compose.yml, as `compose config` resolves it', () => {
  test('has the production topology: PostgreSQL, Temporal and its UI, Azurite, the emulator, workers', () => {
    expect(Object.keys(model.services).sort()).toEqual(
      ['azurite', 'batch-emulator', 'postgresql', 'temporal', 'temporal-init', 'temporal-schema', 'temporal-ui', 'worker'].sort(),
    );
    expect(activeServices(model)).toHaveLength(8);
  });

  test('runs official Temporal images, the server and its admin tools pinned to one version', () => {
    expect(service('temporal').image).toBe('temporalio/server:1.30.4');
    expect(service('temporal-schema').image).toBe('temporalio/admin-tools:1.30.4');
    expect(service('temporal-init').image).toBe('temporalio/admin-tools:1.30.4');
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
  });

  test('every service that keeps running has a health check and restarts; the one-shots do not restart', () => {
    for (const s of Object.values(model.services)) {
      const expected = oneShots.includes(s.name) ? { restart: 'no', checked: false } : { restart: 'unless-stopped', checked: true };
      expect({ service: s.name, restart: s.restart, checked: (s.healthcheck?.length ?? 0) > 1 }).toEqual({ service: s.name, ...expected });
    }
  });

  test('starts in order: PostgreSQL healthy → schema set up → Temporal healthy → namespace registered → workers', () => {
    expect(service('temporal-schema').dependsOn).toEqual({ postgresql: 'service_healthy' });
    expect(service('temporal').dependsOn).toEqual({ 'temporal-schema': 'service_completed_successfully' });
    expect(service('temporal-init').dependsOn).toEqual({ temporal: 'service_healthy' });
    expect(service('worker').dependsOn).toEqual({ 'temporal-init': 'service_completed_successfully' });
  });

  test('keeps state in named volumes, at the data folders the commands use', () => {
    const named = (name: string) => service(name).volumes.filter((volume) => !volume.bind);
    expect(named('postgresql')).toEqual([expect.objectContaining({ target: '/var/lib/postgresql/data' })]);
    expect(named('azurite').map((v) => v.target)).toEqual([flagValue(service('azurite').command, '--location')]);
    expect(named('batch-emulator').map((v) => v.target)).toEqual([flagValue(service('batch-emulator').command, '--data-dir')]);
    const used = Object.values(model.services).flatMap((s) => s.volumes.filter((v) => !v.bind).map((v) => v.source));
    expect(new Set(used)).toEqual(new Set(model.volumes));
  });

  test('publishes the embedded stack’s default ports (src/stack/config.ts), on loopback only', () => {
    const defaults = portsFromEnvironment({});
    expect(published('temporal', 7233)).toEqual({ hostIp: '127.0.0.1', published: defaults.temporal, target: 7233 });
    const uiPort = Number(service('temporal-ui').environment.TEMPORAL_UI_PORT);
    expect(published('temporal-ui', uiPort)).toEqual({ hostIp: '127.0.0.1', published: defaults.temporalUi, target: uiPort });
    const blobPort = Number(flagValue(service('azurite').command, '--blobPort'));
    expect(published('azurite', blobPort)).toEqual({ hostIp: '127.0.0.1', published: defaults.azurite, target: blobPort });
    const emulatorPort = Number(service('batch-emulator').environment.BATCH_EMULATOR_PORT);
    expect(published('batch-emulator', emulatorPort)).toEqual({ hostIp: '127.0.0.1', published: defaults.emulator, target: emulatorPort });
    for (const s of Object.values(model.services)) for (const port of s.ports) expect(port.hostIp).toBe('127.0.0.1');
  });

  test('the schema job and the server agree on PostgreSQL’s address, user, password and databases', () => {
    const postgres = service('postgresql').environment;
    const schema = service('temporal-schema').environment;
    const server = service('temporal').environment;
    expect(server.DB).toBe('postgres12');
    expect(server.POSTGRES_SEEDS).toBe('postgresql');
    expect(schema.POSTGRES_SEEDS).toBe('postgresql');
    expect([schema.POSTGRES_USER, server.POSTGRES_USER]).toEqual([postgres.POSTGRES_USER, postgres.POSTGRES_USER]);
    expect([schema.SQL_PASSWORD, server.POSTGRES_PWD]).toEqual([postgres.POSTGRES_PASSWORD, postgres.POSTGRES_PASSWORD]);
    expect([schema.DBNAME, schema.VISIBILITY_DBNAME]).toEqual([server.DBNAME, server.VISIBILITY_DBNAME]);
    expect(fs.existsSync(mountedFile('temporal', server.DYNAMIC_CONFIG_FILE_PATH))).toBe(true);
  });

  test('the one-shot scripts exist where the entrypoints run them and are valid shell', () => {
    for (const name of oneShots) {
      const [shell, script] = service(name).entrypoint;
      expect(shell).toBe('/bin/sh');
      const file = mountedFile(name, script);
      const check = spawnSync('sh', ['-n', file], { encoding: 'utf8' });
      expect({ file, status: check.status, stderr: check.stderr }).toEqual({ file, status: 0, stderr: '' });
    }
  });

  test('registers exactly the search attributes the workflows set (src/model/searchAttributes.ts)', () => {
    const registered = service('temporal-init').environment.REMOTE_BATCH_SEARCH_ATTRIBUTES.trim().split(/\s+/).sort();
    const typeNames: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int', TEXT: 'Text', BOOL: 'Bool', DOUBLE: 'Double', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' };
    expect(registered).toEqual(searchAttributeKeys.map((key) => `${key.name}=${typeNames[key.type]}`).sort());
    expect(service('temporal-init').environment.TEMPORAL_NAMESPACE).toBe(service('worker').environment.TEMPORAL_NAMESPACE);
  });

  test('the workers read only variables the code reads, and reach Temporal at its service and port', () => {
    const worker = service('worker');
    for (const name of Object.keys(worker.environment)) expect({ name, read: workerVariables.has(name) }).toEqual({ name, read: true });
    expect(worker.environment.TEMPORAL_ADDRESS).toBe(`temporal:${published('temporal', 7233)!.target}`);
    expect(worker.replicas).toBeGreaterThanOrEqual(2);
    expect(worker.containerName).toBeUndefined();
    expect(worker.ports).toEqual([]);
  });

  test('the workers serve Prometheus metrics to the compose network, on a port they expose and do not publish', () => {
    const worker = service('worker');
    const settings = telemetrySettingsFromEnvironment(worker.environment);
    // Without the port the worker serves no metrics at all; on loopback, no other container could scrape it.
    expect(settings.metricsBindAddress).toBe(`0.0.0.0:${worker.environment[metricsPortVariable]}`);
    expect(worker.expose).toEqual([worker.environment[metricsPortVariable]]);
    expect(metricsUrl(settings.metricsBindAddress!)).toBe(`http://127.0.0.1:${worker.environment[metricsPortVariable]}/metrics`);
  });

  test('the workers pass the OTLP variables the code reads through from the shell, and trace only when one is set', () => {
    const worker = service('worker');
    const otlpVariables = [...workerVariables].filter((name) => name.startsWith('OTEL_')).sort();
    expect(otlpVariables).toEqual(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_SERVICE_NAME']);
    expect(Object.keys(worker.environment).filter((name) => name.startsWith('OTEL_')).sort()).toEqual(otlpVariables);
    expect(telemetrySettingsFromEnvironment(worker.environment).otlpEndpoint).toBeUndefined();
    const traced = resolvedCompose(['docker-compose.yml'], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).services.worker;
    expect(telemetrySettingsFromEnvironment(traced.environment).otlpEndpoint).toBe('http://collector:4318');
  });

  test('REMOTE_BATCH_WORKERS sets the number of worker replicas', () => {
    expect(resolvedCompose(['docker-compose.yml'], { REMOTE_BATCH_WORKERS: '5' }).services.worker.replicas).toBe(5);
  });

  test('the workers’ `local` connection, read by the worker’s own code, points at the emulator and Azurite services with their keys', () => {
    const worker = service('worker');
    const file = mountedFile('worker', worker.environment.REMOTE_BATCH_CONNECTIONS_FILE);
    const connection = resolveConnection('local', { REMOTE_BATCH_CONNECTIONS_FILE: file });
    const emulator = service('batch-emulator').environment;
    expect(connection.batch).toEqual({
      endpoint: `http://batch-emulator:${emulator.BATCH_EMULATOR_PORT}`,
      accountName: emulator.BATCH_EMULATOR_ACCOUNT,
      accountKey: emulator.BATCH_EMULATOR_KEY,
    });
    // The embedded stack's account, so a client on the host uses the same credentials against either.
    expect([emulator.BATCH_EMULATOR_ACCOUNT, emulator.BATCH_EMULATOR_KEY]).toEqual([localBatchAccountName, localBatchAccountKey]);
    expect('connectionString' in connection.storage).toBe(true);
    const fields = Object.fromEntries(
      (connection.storage as { connectionString: string }).connectionString
        .split(';')
        .filter(Boolean)
        .map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)]),
    );
    const blobPort = flagValue(service('azurite').command, '--blobPort');
    expect(fields).toMatchObject({
      AccountName: azuriteAccountName,
      AccountKey: azuriteAccountKey,
      BlobEndpoint: `http://azurite:${blobPort}/${azuriteAccountName}`,
    });
  });

  test('the emulator and Azurite get only flags and variables their own option parsers define', () => {
    const emulatorSource = fs.readFileSync(path.join(repoRoot, 'src', 'emulator', 'main.ts'), 'utf8');
    const emulatorFlags = new Set([...emulatorSource.matchAll(/^\s+'?([a-z][a-z-]*)'?: \{ type: '(?:string|boolean)'/gm)].map((match) => `--${match[1]}`));
    expect(emulatorFlags).toContain('--data-dir');
    const emulator = service('batch-emulator');
    for (const flag of emulator.command.filter((part) => part.startsWith('--') && part !== '--import')) expect({ flag, parsed: emulatorFlags.has(flag) }).toEqual({ flag, parsed: true });
    const emulatorVariables = variablesReadBy('src/emulator/main.ts');
    for (const name of Object.keys(emulator.environment)) expect({ name, read: emulatorVariables.has(name) }).toEqual({ name, read: true });

    const azuriteSource = fs.readFileSync(path.join(repoRoot, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'BlobEnvironment.js'), 'utf8');
    const azuriteFlags = new Set([...azuriteSource.matchAll(/\.option\(\["\w*", "(\w+)"\]/g)].map((match) => `--${match[1]}`));
    const azurite = service('azurite');
    const afterMain = azurite.command.slice(azurite.command.findIndex((part) => part.endsWith('blob/main.js')) + 1);
    for (const flag of afterMain.filter((part) => part.startsWith('--'))) expect({ flag, parsed: azuriteFlags.has(flag) }).toEqual({ flag, parsed: true });
  });

  test('the emulator’s pools parse with the emulator’s own parser', () => {
    const pools = parsePoolSpecs(service('batch-emulator').environment.BATCH_EMULATOR_POOLS);
    expect(pools.map((pool) => pool.id)).toContain('local');
  });

  test('the commands run files that the image holds', () => {
    const files = [
      ...service('worker').command.filter((part) => part.endsWith('.ts')),
      ...service('worker').healthcheck!.filter((part) => part.endsWith('.ts')),
      ...service('batch-emulator').command.filter((part) => part.endsWith('.ts')),
      ...service('azurite').command.filter((part) => part.endsWith('.js')),
    ];
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) expect({ file, exists: fs.existsSync(repoPathOfImagePath(file)) }).toEqual({ file, exists: true });
    // A preload without ./ would be looked up as a package name.
    expect(flagValue(service('azurite').command, '--require')).toMatch(/^\.?\//);
  });

  test('the prebuilt workflow bundle variable is the one the worker reads', () => {
    expect(workerVariables.has(workflowBundleVariable)).toBe(true);
  });
});
