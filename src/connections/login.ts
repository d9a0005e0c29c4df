import { InvalidSettingError } from '../model/errors';
import { type Connection, connectionSchema } from './connection';
import { readConnectionsFile, saveConnection } from './store';
import type { ConnectionCheck } from './verify';

/** How `login` talks to a person (a terminal, or a fake in tests). */
export interface Prompter {
  /** One line of input; `secret` input is not echoed. Rejects when input has ended. */
  ask(question: string, options?: { default?: string; secret?: boolean }): Promise<string>;
  /** Yes or no; an empty answer is `defaultYes`. */
  confirm(question: string, defaultYes: boolean): Promise<boolean>;
  /** Something to tell the person (progress, a problem with an answer). */
  say(line: string): void;
}

/** Answers given up front (flags, stdin); whatever is missing is asked. */
export interface LoginAnswers {
  batchUrl?: string;
  batchAccount?: string;
  /** Empty string: Entra ID (DefaultAzureCredential). */
  batchKey?: string;
  storageConnectionString?: string;
  storageAccount?: string;
  storageUrl?: string;
  /** Empty string: Entra ID (DefaultAzureCredential). */
  storageKey?: string;
}

export interface LoginOptions {
  /** The connection's name; the seed saves one, we save any number by name. */
  name: string;
  /** The connections file to read and write. */
  file: string;
  /** The seed's `ServiceObject -> "New"`: ask again even when a connection of that name is saved. */
  askAgain?: boolean;
  /** true: save without asking; false: never save; undefined: ask "Save connection?". */
  save?: boolean;
  given?: LoginAnswers;
  /** Checks the credentials against the services; the real check unless a test replaces it. */
  verify?: (connection: Connection) => Promise<ConnectionCheck>;
}

export type LoginOutcome =
  | { kind: 'existing'; name: string; file: string; check: ConnectionCheck }
  | { kind: 'saved'; name: string; file: string; check: ConnectionCheck }
  | { kind: 'not-saved'; name: string; check: ConnectionCheck };

/** An answer that cannot make a connection; names the field (`setting`). */
export class LoginInputError extends InvalidSettingError {
  constructor(field: string, message: string) {
    super(field, message);
    this.name = 'LoginInputError';
  }
}

const connectionNamePattern = /^[A-Za-z0-9_.-]{1,64}$/;

function checkConnectionName(name: string): string {
  if (!connectionNamePattern.test(name)) {
    throw new LoginInputError('name', `Connection name '${name}' is not valid: use 1 to 64 letters, digits, '.', '_' or '-'.`);
  }
  return name;
}

function checkUrl(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LoginInputError(field, `${field} must be a URL such as https://myaccount.westeurope.batch.azure.com; got '${value}'.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new LoginInputError(field, `${field} must be an http(s) URL; got '${value}'.`);
  }
  return value.replace(/\/+$/, '');
}

function checkAccountName(field: string, value: string): string {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(value)) {
    throw new LoginInputError(field, `${field} must be 1 to 64 letters, digits or hyphens; got '${value}'.`);
  }
  return value;
}

function checkConnectionString(value: string): string {
  const parts = new Map(
    value
      .split(';')
      .filter((part) => part.includes('='))
      .map((part) => [part.slice(0, part.indexOf('=')).trim().toLowerCase(), part.slice(part.indexOf('=') + 1)] as const),
  );
  const usable = (parts.has('accountname') && parts.has('accountkey')) || parts.has('sharedaccesssignature') || value.startsWith('UseDevelopmentStorage=true');
  if (!usable) {
    // Never quote the value back: it may hold a key.
    throw new LoginInputError(
      'storage connection string',
      'The storage connection string must look like DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net (copy it from the portal: Storage account → Access keys).',
    );
  }
  return value;
}

/** The account name a Batch URL starts with: https://<name>.<region>.batch.azure.com. */
export function accountNameFromBatchUrl(batchUrl: string): string | undefined {
  try {
    const host = new URL(batchUrl).hostname;
    if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host === 'localhost') return undefined;
    const first = host.split('.')[0];
    return /^[A-Za-z0-9-]{1,64}$/.test(first) ? first : undefined;
  } catch {
    return undefined;
  }
}

/** Asks until the answer passes `check`, telling the person why it did not; gives up after three tries. */
async function askChecked(
  prompter: Prompter,
  question: string,
  check: (value: string) => string,
  options: { default?: string; secret?: boolean; allowEmpty?: boolean } = {},
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const answer = (await prompter.ask(question, options)).trim() || options.default || '';
    if (answer === '' && options.allowEmpty) return '';
    try {
      if (answer === '') throw new LoginInputError(question, 'An answer is needed.');
      return check(answer);
    } catch (error) {
      if (!(error instanceof LoginInputError) || attempt >= 3) throw error;
      prompter.say(error.message);
    }
  }
}

async function gatherConnection(prompter: Prompter, given: LoginAnswers): Promise<Connection> {
  const batchUrl = given.batchUrl !== undefined
    ? checkUrl('Batch account URL', given.batchUrl)
    : await askChecked(prompter, 'Azure Batch account URL', (value) => checkUrl('Batch account URL', value));
  const batchAccount = given.batchAccount !== undefined
    ? checkAccountName('Batch account name', given.batchAccount)
    : await askChecked(prompter, 'Batch account name', (value) => checkAccountName('Batch account name', value), {
        default: accountNameFromBatchUrl(batchUrl),
      });
  const batchKey = given.batchKey ?? (await prompter.ask('Batch account key (hidden; empty for Entra ID)', { secret: true })).trim();

  let storage: Connection['storage'];
  if (given.storageConnectionString !== undefined) {
    storage = { connectionString: checkConnectionString(given.storageConnectionString) };
  } else if (given.storageAccount !== undefined) {
    storage = await gatherStorageAccount(prompter, given, given.storageAccount);
  } else {
    const choice = await askChecked(
      prompter,
      'Storage account: (1) connection string, (2) account name and key, (3) account name with Entra ID',
      (value) => {
        if (!['1', '2', '3'].includes(value)) throw new LoginInputError('storage', 'Answer 1, 2 or 3.');
        return value;
      },
      { default: '1' },
    );
    if (choice === '1') {
      const connectionString = await askChecked(prompter, 'Storage connection string (hidden)', checkConnectionString, { secret: true });
      storage = { connectionString };
    } else {
      const account = await askChecked(prompter, 'Storage account name', (value) => checkAccountName('Storage account name', value));
      storage = await gatherStorageAccount(prompter, { ...given, storageKey: choice === '3' ? '' : given.storageKey }, account);
    }
  }

  const connection = {
    batch: { endpoint: batchUrl, accountName: batchAccount, ...(batchKey ? { accountKey: batchKey } : {}) },
    storage,
  };
  const parsed = connectionSchema.safeParse(connection);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LoginInputError(issue.path.join('.'), `The connection is not valid: ${issue.path.join('.')}: ${issue.message}.`);
  }
  return parsed.data;
}

async function gatherStorageAccount(prompter: Prompter, given: LoginAnswers, account: string): Promise<Connection['storage']> {
  const accountName = checkAccountName('Storage account name', account);
  const defaultUrl = `https://${accountName}.blob.core.windows.net`;
  const accountUrl = given.storageUrl !== undefined
    ? checkUrl('Blob endpoint', given.storageUrl)
    : await askChecked(prompter, 'Blob endpoint', (value) => checkUrl('Blob endpoint', value), { default: defaultUrl });
  const accountKey = given.storageKey ?? (await prompter.ask('Storage account key (hidden; empty for Entra ID)', { secret: true })).trim();
  return { accountUrl, accountName, ...(accountKey ? { accountKey } : {}) };
}

function describeCheck(connection: Connection, check: ConnectionCheck): string[] {
  const batchAuth = connection.batch.accountKey ? 'shared key' : 'Entra ID';
  const pools = check.pools.length ? `pools: ${check.pools.join(', ')}` : 'no pools yet';
  return [`Azure Batch account '${connection.batch.accountName}' answered (${batchAuth}); ${pools}.`, `Blob Storage answered at ${check.blobEndpoint}.`];
}

/**
 * The seed's credential dialog: asks for the Batch and Storage accounts (what
 * `given` does not already hold), checks them against the services, and saves
 * them under `name` when the person says so. A saved connection of that name is
 * checked and kept unless `askAgain`. Nothing is saved when a check fails, and a
 * connections file that cannot be read is reported, never overwritten.
 */
export async function login(options: LoginOptions, prompter: Prompter): Promise<LoginOutcome> {
  const name = checkConnectionName(options.name);
  // The Azure SDKs load only when a check is due.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load, typed by `typeof import`
  const verify = options.verify ?? (async (connection: Connection) => (require('./verify') as typeof import('./verify')).verifyConnection(connection));
  const saved = readConnectionsFile(options.file).connections[name];

  if (saved && !options.askAgain) {
    prompter.say(`Connection '${name}' is saved in ${options.file}; checking it (use --new to enter it again) ...`);
    const check = await verify(saved);
    for (const line of describeCheck(saved, check)) prompter.say(line);
    return { kind: 'existing', name, file: options.file, check };
  }

  const connection = await gatherConnection(prompter, options.given ?? {});
  prompter.say('Checking the credentials with Azure Batch and Blob Storage ...');
  const check = await verify(connection);
  for (const line of describeCheck(connection, check)) prompter.say(line);

  const save = options.save ?? (await prompter.confirm(`Save connection '${name}' in ${options.file}?`, true));
  if (!save) return { kind: 'not-saved', name, check };
  saveConnection(options.file, name, connection);
  return { kind: 'saved', name, file: options.file, check };
}
