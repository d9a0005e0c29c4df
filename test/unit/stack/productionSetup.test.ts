import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTemporalServerBinaries, TemporalServerUnavailableError, userCacheDir } from '../../../src/stack/temporalServerBinaries';
import { temporalServerConfigYaml } from '../../../src/stack/temporalServerConfig';
import { topologyFromEnvironment } from '../../../src/stack/topology';

describe('production topology setup', () => {
  it('reads --temporal and --workers, refusing bad values with the flag, the variable and what is allowed', () => {
    expect(topologyFromEnvironment({})).toEqual({ temporal: 'dev', workers: 1 });
    expect(topologyFromEnvironment({ REMOTE_BATCH_TEMPORAL: 'postgres', REMOTE_BATCH_WORKERS: '3' })).toEqual({ temporal: 'postgres', workers: 3 });
    expect(() => topologyFromEnvironment({ REMOTE_BATCH_TEMPORAL: 'mysql' })).toThrow(
      "REMOTE_BATCH_TEMPORAL (--temporal) must be one of dev, postgres; got 'mysql'.",
    );
    for (const workers of ['0', '2.5', 'three', '17']) {
      expect(() => topologyFromEnvironment({ REMOTE_BATCH_WORKERS: workers })).toThrow(
        `REMOTE_BATCH_WORKERS (--workers) must be a whole number from 1 to 16; got '${workers}'.`,
      );
    }
  });

  it('caches the server in the user cache folder, outside the clone, unless told otherwise', () => {
    expect(userCacheDir({ XDG_CACHE_HOME: '/somewhere/cache' })).toBe(path.join('/somewhere/cache', 'remote-batch'));
    expect(userCacheDir({ REMOTE_BATCH_CACHE_DIR: '/elsewhere' })).toBe('/elsewhere');
    expect(userCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'remote-batch'));
  });

  it('says what to install when the server is not cached and Go is missing, and names a TEMPORAL_SERVER_DIR that lacks it', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-server-cache-'));
    try {
      const missingGo = ensureTemporalServerBinaries(() => undefined, { PATH: '', REMOTE_BATCH_CACHE_DIR: cache });
      await expect(missingGo).rejects.toThrow(TemporalServerUnavailableError);
      await expect(ensureTemporalServerBinaries(() => undefined, { PATH: '', REMOTE_BATCH_CACHE_DIR: cache })).rejects.toThrow(
        /No 'go' on PATH\.\nInstall Go 1\.24\+/,
      );
      await expect(ensureTemporalServerBinaries(() => undefined, { TEMPORAL_SERVER_DIR: cache })).rejects.toThrow(
        `TEMPORAL_SERVER_DIR is set to '${cache}', which lacks temporal-server`,
      );
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });

  it("writes membership ports and the database into the server's configuration, quoting values literally", () => {
    const yaml = temporalServerConfigYaml({
      host: '127.0.0.1',
      ports: {
        frontendGrpc: 7233, frontendHttp: 7243, frontendMembership: 6933, historyGrpc: 7234, historyMembership: 6934,
        matchingGrpc: 7235, matchingMembership: 6935, workerGrpc: 7239, workerMembership: 6939,
      },
      database: { host: '127.0.0.1', port: 5432, user: 'temporal', password: 'a "quoted" #secret' },
      dynamicConfigFile: '/tmp/dynamic config.yaml',
      historyShards: 4,
    });
    expect(yaml).toContain('password: "a \\"quoted\\" #secret"');
    expect(yaml).toContain('filepath: "/tmp/dynamic config.yaml"');
    expect(yaml).toContain('visibilityStore: postgres-visibility');
    expect(yaml).toMatch(/matching:\n {4}rpc:\n {6}grpcPort: 7235\n {6}membershipPort: 6935/);
  });
});
