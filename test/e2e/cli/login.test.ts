import fs from 'node:fs';
import { readConnectionsFile } from '../../../src/connections/store';
import { runCli, stackEnv } from './support/cli';
import { PtySession } from './support/pty';
import { stackConnection, tempConnectionsFile } from './support/stackConnection';

describe('remote-batch login, in a terminal, against the local Batch emulator and Azurite', () => {
  const secrets = stackConnection();
  let file: string;
  let cleanup: () => void;
  beforeEach(() => ({ file, cleanup } = tempConnectionsFile()));
  afterEach(() => cleanup());
  const env = () => stackEnv({ REMOTE_BATCH_CONNECTIONS_FILE: file });

  /** Answers the Batch questions; the Storage ones differ per test. */
  async function answerBatch(session: PtySession, key = secrets.batchKey): Promise<void> {
    await session.expect('Azure Batch account URL: ');
    session.typeLine(secrets.batchUrl);
    await session.expect('Batch account name: ');
    session.typeLine(secrets.batchAccount);
    await session.expect('Batch account key (hidden; empty for Entra ID): ');
    session.typeLine(key);
  }

  it('asks, hides the keys, checks them with both services, and saves the connection with mode 0600', async () => {
    const session = new PtySession(['login', '--name', 'local'], env());
    try {
      await answerBatch(session);
      await session.expect('(3) account name with Entra ID [1]: ');
      session.typeLine('1');
      await session.expect('Storage connection string (hidden): ');
      session.typeLine(secrets.storageConnectionString);
      await session.expect(/Azure Batch account 'localbatch' answered \(shared key\); pools: local, single\./);
      await session.expect('Blob Storage answered at');
      await session.expect(`Save connection 'local' in ${file}? [Y/n]: `);
      session.typeLine('y');
      await session.expect(`Saved connection 'local' in ${file} (mode 0600).`);
      expect(await session.exited).toBe(0);
    } finally {
      session.kill();
    }
    expect(session.raw).not.toContain(secrets.batchKey);
    expect(session.raw).not.toContain(secrets.storageKey);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readConnectionsFile(file).connections.local).toEqual({
      batch: { endpoint: secrets.batchUrl, accountName: secrets.batchAccount, accountKey: secrets.batchKey },
      storage: { connectionString: secrets.storageConnectionString },
    });

    // The saved connection is what the next commands use.
    const shown = await runCli(['env', '--check'], { env: env() });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('shared key (saved, not shown)');
    expect(shown.stdout).toContain('Check: the credentials work; pools: local, single.');
    expect(shown.stdout + shown.stderr).not.toContain(secrets.batchKey);
  });

  it('takes a storage account name, blob endpoint and key as well', async () => {
    const session = new PtySession(['login', '--name', 'azurite'], env());
    try {
      await answerBatch(session);
      await session.expect('[1]: ');
      session.typeLine('2');
      await session.expect('Storage account name: ');
      session.typeLine(secrets.storageAccount);
      await session.expect(`Blob endpoint [https://${secrets.storageAccount}.blob.core.windows.net]: `);
      session.typeLine(secrets.blobEndpoint);
      await session.expect('Storage account key (hidden; empty for Entra ID): ');
      session.typeLine(secrets.storageKey);
      await session.expect('[Y/n]: ');
      session.typeLine('');
      expect(await session.exited).toBe(0);
    } finally {
      session.kill();
    }
    expect(session.text).toContain("Use it with --connection azurite, or export REMOTE_BATCH_CONNECTION=azurite.");
    expect(session.raw).not.toContain(secrets.storageKey);
    expect(readConnectionsFile(file).connections.azurite.storage).toEqual({
      accountUrl: secrets.blobEndpoint,
      accountName: secrets.storageAccount,
      accountKey: secrets.storageKey,
    });
  });

  it('refuses a wrong key and saves nothing', async () => {
    const session = new PtySession(['login'], env());
    try {
      await answerBatch(session, Buffer.from('not the key').toString('base64'));
      await session.expect('[1]: ');
      session.typeLine('1');
      await session.expect('Storage connection string (hidden): ');
      session.typeLine(secrets.storageConnectionString);
      expect(await session.exited).toBe(5);
    } finally {
      session.kill();
    }
    expect(session.text).toMatch(/Azure Batch refused the credentials \(403[^)]*\).*Nothing was saved\./);
    expect(session.text).not.toContain('Save connection');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('keeps a saved connection without asking; --new asks again (the seed\'s ServiceObject -> "New")', async () => {
    const first = await runCli(
      ['login', '--batch-url', secrets.batchUrl, '--account', secrets.batchAccount, '--key-stdin', '--storage-connection-string-stdin', '--yes'],
      { env: env(), input: `${secrets.batchKey}\n${secrets.storageConnectionString}\n` },
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Saved connection 'default' in ${file}`);

    const again = new PtySession(['login'], env());
    expect(await again.exited).toBe(0);
    expect(again.text).toContain("Connection 'default' is saved in");
    expect(again.text).toContain("Connection 'default' is saved and works.");
    expect(again.text).not.toContain('Azure Batch account URL');

    const renewed = new PtySession(['login', '--new'], env());
    try {
      await answerBatch(renewed);
      await renewed.expect('[1]: ');
      renewed.typeLine('1');
      await renewed.expect('Storage connection string (hidden): ');
      renewed.typeLine(secrets.storageConnectionString);
      await renewed.expect('[Y/n]: ');
      renewed.typeLine('n');
      expect(await renewed.exited).toBe(0);
    } finally {
      renewed.kill();
    }
    expect(renewed.text).toContain("Connection 'default' works; not saved.");
  });

  it('reports a corrupted connections file by name and leaves it alone', async () => {
    fs.mkdirSync(require('node:path').dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"connections": {"default": {"batch": 1}}}');
    const run = await runCli(['login', '--new', '--batch-url', secrets.batchUrl, '--account', secrets.batchAccount, '--key-stdin', '--storage-connection-string-stdin', '--yes'], {
      env: env(),
      input: `${secrets.batchKey}\n${secrets.storageConnectionString}\n`,
    });
    expect(run.code).toBe(5);
    expect(run.stderr).toContain(`The connections file ${file} is not valid`);
    expect(run.stderr).toContain('it was left unchanged');
    expect(fs.readFileSync(file, 'utf8')).toBe('{"connections": {"default": {"batch": 1}}}');
  });

  it('fails clearly in a script when an answer is missing', async () => {
    const run = await runCli(['login', '--batch-url', secrets.batchUrl], { env: env(), input: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('input ended before every question was answered');
    expect(fs.existsSync(file)).toBe(false);
  });
});
