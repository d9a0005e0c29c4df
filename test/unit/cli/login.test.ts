import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { TerminalPrompter } from '../../../src/cli/prompt';
import type { Connection } from '../../../src/connections/connection';
import { accountNameFromBatchUrl, login, type Prompter } from '../../../src/connections/login';
import { readConnectionsFile } from '../../../src/connections/store';
import { ConnectionCheckError } from '../../../src/connections/verify';

const batchKey = Buffer.from('a batch key that must never be printed').toString('base64');
const storageString = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${Buffer.from('storage key, never printed').toString('base64')};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;`;

/** Answers from a script, and a record of what was asked and said. */
class ScriptedPrompter implements Prompter {
  readonly asked: { question: string; secret: boolean }[] = [];
  readonly said: string[] = [];
  constructor(private readonly answers: string[]) {}
  async ask(question: string, options: { default?: string; secret?: boolean } = {}): Promise<string> {
    this.asked.push({ question, secret: Boolean(options.secret) });
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error(`unexpected question: ${question}`);
    return answer;
  }
  async confirm(question: string, defaultYes: boolean): Promise<boolean> {
    const answer = (await this.ask(question)).toLowerCase();
    return answer === '' ? defaultYes : answer.startsWith('y');
  }
  say(line: string): void {
    this.said.push(line);
  }
}

const acceptAll = async () => ({ pools: ['local', 'single'], blobEndpoint: 'http://127.0.0.1:10000/devstoreaccount1' });
const refuseBatch = async () => {
  throw new ConnectionCheckError('Azure Batch', 'refused', 'Azure Batch refused the credentials (403 AuthenticationFailed): bad signature', 'AuthenticationFailed', 403);
};

describe('login (fake prompt and fake service check: no terminal, no Azure here)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-login-'));
    file = path.join(dir, 'config', 'connections.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const answers = ['https://prod.westeurope.batch.azure.com', '', batchKey, '1', storageString, 'y'];

  it('asks for Batch and Storage, reads keys without echo, checks, and saves with mode 0600', async () => {
    const prompter = new ScriptedPrompter([...answers]);
    const outcome = await login({ name: 'prod', file, verify: acceptAll }, prompter);
    expect(outcome.kind).toBe('saved');
    expect(prompter.asked.map((question) => [question.question.split(' (')[0].split(':')[0], question.secret])).toEqual([
      ['Azure Batch account URL', false],
      ['Batch account name', false],
      ['Batch account key', true],
      ['Storage account', false],
      ['Storage connection string', true],
      [`Save connection 'prod' in ${file}?`, false],
    ]);
    const saved = readConnectionsFile(file).connections.prod;
    expect(saved).toEqual({
      batch: { endpoint: 'https://prod.westeurope.batch.azure.com', accountName: 'prod', accountKey: batchKey },
      storage: { connectionString: storageString },
    });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(prompter.said.join('\n')).toContain('pools: local, single');
    expect(prompter.said.join('\n')).not.toContain(batchKey);
    expect(prompter.said.join('\n')).not.toContain('AccountKey');
  });

  it('saves nothing when the person answers no to "Save connection?"', async () => {
    const outcome = await login({ name: 'prod', file, verify: acceptAll }, new ScriptedPrompter([...answers.slice(0, -1), 'n']));
    expect(outcome.kind).toBe('not-saved');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses credentials the service turns down, and saves nothing', async () => {
    await expect(login({ name: 'prod', file, verify: refuseBatch }, new ScriptedPrompter([...answers]))).rejects.toThrow('refused the credentials');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('keeps and re-checks a saved connection; --new asks again and replaces it', async () => {
    await login({ name: 'prod', file, verify: acceptAll }, new ScriptedPrompter([...answers]));
    const again = new ScriptedPrompter([]);
    const existing = await login({ name: 'prod', file, verify: acceptAll }, again);
    expect(existing.kind).toBe('existing');
    expect(again.asked).toEqual([]);

    const renewed = new ScriptedPrompter(['https://other.westeurope.batch.azure.com', 'other', '', '3', 'otherstore', '', 'y']);
    const outcome = await login({ name: 'prod', file, askAgain: true, verify: acceptAll }, renewed);
    expect(outcome.kind).toBe('saved');
    expect(readConnectionsFile(file).connections.prod).toEqual({
      batch: { endpoint: 'https://other.westeurope.batch.azure.com', accountName: 'other' },
      storage: { accountUrl: 'https://otherstore.blob.core.windows.net', accountName: 'otherstore' },
    });
  });

  it('keeps the saved connection when --new is refused by the service', async () => {
    await login({ name: 'prod', file, verify: acceptAll }, new ScriptedPrompter([...answers]));
    const before = fs.readFileSync(file, 'utf8');
    await expect(login({ name: 'prod', file, askAgain: true, verify: refuseBatch }, new ScriptedPrompter([...answers]))).rejects.toThrow();
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('reports a corrupted connections file by name and leaves it as it was, before asking anything', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{ "connections": { "x": ');
    const prompter = new ScriptedPrompter([...answers]);
    await expect(login({ name: 'prod', file, verify: acceptAll }, prompter)).rejects.toThrow(`The connections file ${file} is not valid`);
    expect(prompter.asked).toEqual([]);
    expect(fs.readFileSync(file, 'utf8')).toBe('{ "connections": { "x": ');
  });

  it('asks again after an answer that is not a URL, saying why', async () => {
    const prompter = new ScriptedPrompter(['not a url', ...answers]);
    await login({ name: 'prod', file, verify: acceptAll }, prompter);
    expect(prompter.said[0]).toContain("Batch account URL must be a URL");
  });

  it('never quotes a malformed connection string back', async () => {
    const secretish = 'AccountKey=sekrit-looking-value';
    const prompter = new ScriptedPrompter(['https://prod.westeurope.batch.azure.com', '', batchKey, '1', secretish, secretish, secretish]);
    await expect(login({ name: 'prod', file, verify: acceptAll }, prompter)).rejects.toThrow('connection string must look like');
    expect(prompter.said.join('\n')).not.toContain('sekrit');
  });

  it('takes every answer from flags, asking nothing but the save question', async () => {
    const prompter = new ScriptedPrompter(['y']);
    const check = jest.fn(acceptAll);
    await login(
      { name: 'ci', file, verify: check, given: { batchUrl: 'http://127.0.0.1:8777', batchAccount: 'localbatch', batchKey, storageConnectionString: storageString } },
      prompter,
    );
    expect(prompter.asked).toHaveLength(1);
    expect((check.mock.calls[0] as unknown as [Connection])[0].batch.accountKey).toBe(batchKey);
  });

  it('derives the account name from a Batch URL', () => {
    expect(accountNameFromBatchUrl('https://prod.westeurope.batch.azure.com')).toBe('prod');
    expect(accountNameFromBatchUrl('http://127.0.0.1:8777')).toBeUndefined();
  });
});

describe('the terminal prompter, on a pipe (no terminal here)', () => {
  class Capture extends Writable {
    text = '';
    override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
      this.text += chunk.toString();
      callback();
    }
  }

  it('reads answers in order, even when they arrive before the questions', async () => {
    const input = new PassThrough();
    const output = new Capture();
    const prompter = new TerminalPrompter(input, output);
    input.write('first\nsecret value\ny\n');
    try {
      expect(await prompter.ask('Name', { default: 'x' })).toBe('first');
      expect(await prompter.ask('Key', { secret: true })).toBe('secret value');
      expect(await prompter.confirm('Save?', false)).toBe(true);
    } finally {
      prompter.close();
    }
    expect(output.text).toContain('Name [x]: ');
    expect(output.text).toContain('Save? [y/N]');
    expect(output.text).not.toContain('secret value');
  });

  it('fails clearly when input ends before every question is answered', async () => {
    const input = new PassThrough();
    const prompter = new TerminalPrompter(input, new Capture());
    input.end('');
    await expect(prompter.ask('Name')).rejects.toThrow('input ended before every question was answered');
    prompter.close();
  });
});
