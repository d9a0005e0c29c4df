import type { Command } from 'commander';
import type { Connection } from '../../connections/connection';
import { type TemporalSettings, temporalSettingsFromEnvironment } from '../../client/temporalSettings';
import type { CommandContext } from '../context';
import { exitCodes, notFoundError } from '../exitCodes';
import { act } from '../act';
import { formatProperties } from '../render';

/** What can be shown of a connection: endpoints, names and how it authenticates — never a key. */
async function describeConnection(connection: Connection): Promise<{ batch: Record<string, string>; storage: Record<string, string> }> {
  const batch = {
    endpoint: connection.batch.endpoint,
    account: connection.batch.accountName,
    auth: connection.batch.accountKey ? 'shared key (saved, not shown)' : 'Entra ID (DefaultAzureCredential)',
  };
  let storage: Record<string, string>;
  if ('connectionString' in connection.storage) {
    let endpoint = '(unreadable connection string)';
    const { storageEndpointOf } = require('../../azure/clients') as typeof import('../../azure/clients');
    try {
      endpoint = storageEndpointOf(connection.storage.connectionString);
    } catch {
      // Leave the placeholder: the string itself may hold a key and is never shown.
    }
    storage = { endpoint, auth: 'connection string (saved, not shown)' };
  } else {
    storage = {
      endpoint: connection.storage.accountUrl,
      account: connection.storage.accountName,
      auth: connection.storage.accountKey ? 'shared key (saved, not shown)' : 'Entra ID (DefaultAzureCredential)',
    };
  }
  return { batch, storage };
}

/** Whether any worker polls the task queue now (Temporal's DescribeTaskQueue): without one, jobs only wait. */
async function checkWorkers(temporal: TemporalSettings): Promise<{ workers: string; workersPolling: number }> {
  const { Connection } = require('@temporalio/client') as typeof import('@temporalio/client');
  const { describeTaskQueueWorkers, describeWorkerPresence } = require('../../client/workers') as typeof import('../../client/workers');
  let connection: import('@temporalio/client').Connection | undefined;
  try {
    connection = await Connection.connect({ address: temporal.address, tls: temporal.tls, apiKey: temporal.apiKey, connectTimeout: 5000 });
    const workers = await describeTaskQueueWorkers(connection, temporal.namespace);
    return { workers: describeWorkerPresence(workers), workersPolling: new Set([...workers.workflowPollers, ...workers.activityPollers]).size };
  } catch (error) {
    return { workers: `unknown: the Temporal server at ${temporal.address} did not answer (${(error as Error).message.split('\n')[0]})`, workersPolling: 0 };
  } finally {
    await connection?.close();
  }
}

interface EnvFlags {
  json?: boolean;
  check?: boolean;
}

export function registerEnv(program: Command, ctx: CommandContext): void {
  program
    .command('env')
    .summary('show the environment commands use: pool, connection, Temporal')
    .description(
      'Shows the pool, the connection (endpoints and how it authenticates, never a key), the Temporal server and the ' +
        'saved connections. --check also asks Azure Batch and Blob Storage whether the credentials work and the pool exists.',
    )
    .option('--check', 'check the connection and the pool against the services')
    .option('--json', 'print as JSON')
    .action(
      act(ctx, async (flags: EnvFlags, command: Command) => {
        const { pool, connection: connectionOption } = ctx.globals(command);
        const connectionName = connectionOption ?? 'local';
        const temporal = temporalSettingsFromEnvironment(ctx.io.env);
        const { localStackConnectionsFile, readConnectionsFile, resolveConnection } = require('../../connections/store') as typeof import('../../connections/store');
        const file = await ctx.connectionsFile();
        const savedConnections = readConnectionsFile(file).connections;
        const saved = Object.keys(savedConnections).sort();
        const connection = resolveConnection(connectionName, ctx.io.env);
        // resolveConnection's order: the connections file, then the local stack's file for "local", then AZURE_* for "default".
        const source = savedConnections[connectionName] ? file : connectionName === 'local' ? localStackConnectionsFile(ctx.io.env) : 'AZURE_* environment variables';
        const shown = await describeConnection(connection);

        let check: { pools: string[]; poolFound?: boolean; workers: string; workersPolling: number } | undefined;
        if (flags.check) {
          const { verifyConnection } = require('../../connections/verify') as typeof import('../../connections/verify');
          const result = await verifyConnection(connection);
          const workers = await checkWorkers(temporal);
          check = { pools: result.pools, ...(pool ? { poolFound: result.pools.includes(pool) } : {}), ...workers };
        }

        const report = {
          pool: pool ?? null,
          connection: { name: connectionName, from: source, ...shown },
          temporal: { address: temporal.address, namespace: temporal.namespace, tls: temporal.tls },
          connectionsFile: file,
          savedConnections: saved,
          ...(check ? { check } : {}),
        };
        if (flags.json) {
          ctx.out.json(report);
        } else {
          const lines = formatProperties([
            ['Pool', pool ?? '(none: pass --pool <id> or set REMOTE_BATCH_POOL)'],
            ['Connection', `${connectionName}  (from ${source})`],
            ['  Batch', `${shown.batch.endpoint}  account ${shown.batch.account}  ${shown.batch.auth}`],
            ['  Storage', `${shown.storage.endpoint}${shown.storage.account ? `  account ${shown.storage.account}` : ''}  ${shown.storage.auth}`],
            ['Temporal', `${temporal.address}  namespace ${temporal.namespace}${temporal.tls ? '  TLS' : ''}`],
            ['Connections file', file],
            ['Saved connections', saved.length ? saved.join(', ') : '(none)'],
          ]);
          for (const line of lines) ctx.out.line(line);
          if (check) {
            ctx.out.line(`Check: the credentials work; pools: ${check.pools.join(', ') || '(none)'}.`);
            ctx.out.line(`Workers: ${check.workers}.`);
          }
        }
        if (check && pool && !check.poolFound) {
          throw notFoundError(`PoolID: there is no pool '${pool}' in the Batch account of connection '${connectionName}' (it has: ${check.pools.join(', ') || 'none'}).`);
        }
        return exitCodes.ok;
      }),
    );
}
