import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConnection } from '../../../src/connections/store';
import { runInMemory } from '../cli/runInMemory';

const storageString = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;';
const saved = { connections: { prod: { batch: { endpoint: 'http://127.0.0.1:1', accountName: 'prod', accountKey: 'a2V5' }, storage: { connectionString: storageString } } } };

describe('the connections file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-connections-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function connectionsFile(mode: number): string {
    const file = path.join(dir, `connections-${mode.toString(8)}.json`);
    fs.writeFileSync(file, JSON.stringify(saved), { mode });
    fs.chmodSync(file, mode);
    return file;
  }

  it('that other users can read is used with a warning on stderr naming the file and the fix', async () => {
    const file = connectionsFile(0o644);
    const run = await runInMemory(['--connection', 'prod', 'env', '--json'], { env: { REMOTE_BATCH_CONNECTIONS_FILE: file } });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`remote-batch: warning: the connections file ${file} can be read by other users (mode 0644), and it holds saved credentials. Make it private: chmod 600 ${file}\n`);
    expect(JSON.parse(run.stdout)).toMatchObject({ connection: { name: 'prod' } });
  });

  it('with mode 0600 is used without a word', async () => {
    const file = connectionsFile(0o600);
    const run = await runInMemory(['--connection', 'prod', 'env', '--json'], { env: { REMOTE_BATCH_CONNECTIONS_FILE: file } });
    expect(run).toMatchObject({ code: 0, stderr: '' });
  });

  it("read by the client library warns once through Node's warnings", () => {
    const file = connectionsFile(0o640);
    const emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      resolveConnection('prod', { REMOTE_BATCH_CONNECTIONS_FILE: file });
      resolveConnection('prod', { REMOTE_BATCH_CONNECTIONS_FILE: file });
      expect(emitted.mock.calls).toEqual([[expect.stringContaining(`chmod 600 ${file}`), { code: 'REMOTE_BATCH_CONNECTIONS_FILE_MODE' }]]);
    } finally {
      emitted.mockRestore();
    }
  });

  it('that is a folder is refused naming it (exit 5), not a raw EISDIR', async () => {
    const run = await runInMemory(['--pool', 'local', 'env'], { env: { REMOTE_BATCH_CONNECTIONS_FILE: dir } });
    expect(run.code).toBe(5);
    expect(run.stderr).toContain(`The connections file ${dir} is not valid: it is a folder, not a file`);
    expect(run.stderr).not.toContain('EISDIR');
  });
});
