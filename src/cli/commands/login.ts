import type { Command } from 'commander';
import type { LoginAnswers } from '../../connections/login';
import type { ConnectionCheckError } from '../../connections/verify';
import type { CommandContext } from '../context';
import { CliError, exitCodes, usageError } from '../exitCodes';
import type { ClosablePrompter } from '../io';
import { act } from '../act';
import { TerminalPrompter } from '../prompt';

interface LoginFlags {
  name: string;
  new?: boolean;
  batchUrl?: string;
  account?: string;
  keyStdin?: boolean;
  entra?: boolean;
  storageConnectionStringStdin?: boolean;
  storageAccount?: string;
  storageUrl?: string;
  storageKeyStdin?: boolean;
  storageEntra?: boolean;
  fromEnv?: boolean;
  yes?: boolean;
  save: boolean;
  json?: boolean;
}

/** Secrets come from stdin lines (never from flags, which `ps` and shell history would show), in this order. */
async function answersFromFlags(flags: LoginFlags, env: NodeJS.ProcessEnv, prompter: ClosablePrompter): Promise<LoginAnswers> {
  const answers: LoginAnswers = {};
  if (flags.fromEnv) {
    if (env.AZURE_BATCH_ENDPOINT) answers.batchUrl = env.AZURE_BATCH_ENDPOINT;
    if (env.AZURE_BATCH_ACCOUNT) answers.batchAccount = env.AZURE_BATCH_ACCOUNT;
    answers.batchKey = env.AZURE_BATCH_ACCESS_KEY ?? '';
    if (env.AZURE_STORAGE_CONNECTION_STRING) answers.storageConnectionString = env.AZURE_STORAGE_CONNECTION_STRING;
    else if (env.AZURE_STORAGE_ACCOUNT) {
      answers.storageAccount = env.AZURE_STORAGE_ACCOUNT;
      answers.storageKey = env.AZURE_STORAGE_KEY ?? '';
    }
  }
  if (flags.batchUrl !== undefined) answers.batchUrl = flags.batchUrl;
  if (flags.account !== undefined) answers.batchAccount = flags.account;
  if (flags.keyStdin && flags.entra) throw usageError('--key-stdin and --entra exclude each other: a key, or Entra ID.');
  if (flags.entra) answers.batchKey = '';
  if (flags.keyStdin) answers.batchKey = (await prompter.ask('', { secret: true })).trim();
  if (flags.storageConnectionStringStdin && (flags.storageAccount || flags.storageKeyStdin || flags.storageEntra)) {
    throw usageError('--storage-connection-string-stdin excludes --storage-account, --storage-key-stdin and --storage-entra.');
  }
  if (flags.storageConnectionStringStdin) answers.storageConnectionString = (await prompter.ask('', { secret: true })).trim();
  if (flags.storageAccount !== undefined) answers.storageAccount = flags.storageAccount;
  if (flags.storageUrl !== undefined) answers.storageUrl = flags.storageUrl;
  if ((flags.storageKeyStdin || flags.storageEntra) && answers.storageAccount === undefined) {
    throw usageError('--storage-key-stdin and --storage-entra need --storage-account <name>.');
  }
  if (flags.storageEntra) answers.storageKey = '';
  if (flags.storageKeyStdin) answers.storageKey = (await prompter.ask('', { secret: true })).trim();
  return answers;
}

export function registerLogin(program: Command, ctx: CommandContext): void {
  program
    .command('login')
    .summary('check Azure Batch and Storage credentials and save them as a named connection')
    .description(
      'Asks for the Azure Batch account (URL, name, key) and the Storage account (connection string, or name and key, ' +
        'or Entra ID), checks them against both services, and saves them as a named connection in the connections file ' +
        '(mode 0600) when you answer yes to "Save connection?". Keys are read without echo and never printed. ' +
        'An empty key means Entra ID (DefaultAzureCredential). A connection already saved under the name is checked ' +
        'and kept; --new asks again.',
    )
    .option('--name <name>', 'the connection\'s name', 'default')
    .option('--new', 'ask again even if a connection of this name is saved (the seed\'s ServiceObject -> "New")')
    .option('--batch-url <url>', 'the Batch account URL, e.g. https://myaccount.westeurope.batch.azure.com')
    .option('--account <name>', 'the Batch account name')
    .option('--key-stdin', 'read the Batch account key from the first line of stdin')
    .option('--entra', 'no Batch key: use Entra ID (DefaultAzureCredential)')
    .option('--storage-connection-string-stdin', 'read the Storage connection string from the next line of stdin')
    .option('--storage-account <name>', 'the Storage account name')
    .option('--storage-url <url>', 'the Blob endpoint (default https://<account>.blob.core.windows.net)')
    .option('--storage-key-stdin', 'read the Storage account key from the next line of stdin')
    .option('--storage-entra', 'no Storage key: use Entra ID (DefaultAzureCredential)')
    .option('--from-env', 'take answers from AZURE_BATCH_ENDPOINT, AZURE_BATCH_ACCOUNT, AZURE_BATCH_ACCESS_KEY, AZURE_STORAGE_CONNECTION_STRING (or AZURE_STORAGE_ACCOUNT/AZURE_STORAGE_KEY)')
    .option('-y, --yes', 'save without asking')
    .option('--no-save', 'check only; do not save')
    .option('--json', 'print the outcome as JSON')
    .addHelpText(
      'after',
      `
Examples:
  remote-batch login                                   # asks everything
  remote-batch login --name prod --new                 # replace a saved connection
  printf '%s\\n%s\\n' "$BATCH_KEY" "$STORAGE_CONNECTION_STRING" | \\
    remote-batch login --name prod --batch-url https://prod.westeurope.batch.azure.com --account prod \\
      --key-stdin --storage-connection-string-stdin --yes`,
    )
    .action(
      act(ctx, async (flags: LoginFlags) => {
        if (flags.yes && flags.save === false) throw usageError('--yes and --no-save exclude each other.');
        const prompter = ctx.io.prompter?.() ?? new TerminalPrompter(ctx.io.stdin, ctx.io.stderr);
        try {
          const given = await answersFromFlags(flags, ctx.io.env, prompter);
          const { login } = require('../../connections/login') as typeof import('../../connections/login');
          const outcome = await login(
            {
              name: flags.name,
              file: await ctx.connectionsFile(),
              askAgain: flags.new,
              save: flags.yes ? true : flags.save === false ? false : undefined,
              given,
            },
            prompter,
          );
          if (flags.json) {
            ctx.out.json({
              name: outcome.name,
              saved: outcome.kind !== 'not-saved',
              existing: outcome.kind === 'existing',
              ...(outcome.kind !== 'not-saved' ? { file: outcome.file } : {}),
              pools: outcome.check.pools,
            });
          } else if (outcome.kind === 'saved') {
            ctx.out.line(`Saved connection '${outcome.name}' in ${outcome.file} (mode 0600).`);
          } else if (outcome.kind === 'existing') {
            ctx.out.line(`Connection '${outcome.name}' is saved and works.`);
          } else {
            ctx.out.line(`Connection '${outcome.name}' works; not saved.`);
          }
          if (!flags.json && outcome.kind !== 'not-saved' && outcome.name !== (ctx.io.env.REMOTE_BATCH_CONNECTION || 'local')) {
            ctx.out.info(`Use it with --connection ${outcome.name}, or export REMOTE_BATCH_CONNECTION=${outcome.name}.`);
          }
          return exitCodes.ok;
        } catch (error) {
          if (error instanceof Error && error.name === 'ConnectionCheckError') {
            const check = error as ConnectionCheckError;
            throw new CliError(
              `${check.message} Nothing was saved.`,
              check.reason === 'refused' ? exitCodes.credentials : exitCodes.unavailable,
            );
          }
          throw error;
        } finally {
          prompter.close();
        }
      }),
    );
}
