import { Client, Connection } from '@temporalio/client';
import type { ConnectionGateways } from '../azure/gateways';
import { InvalidSettingError } from '../model/errors';
import { clientInterceptorsFromEnvironment, flushClientTracing } from '../telemetry/clientTracing';
import type { EnvironmentRef } from '../model/workflowInputs';
import { type TemporalSettings, temporalSettingsFromEnvironment } from './temporalSettings';

export interface BatchEnvironmentOptions {
  /** Required: the Azure Batch pool jobs go to (the seed's "PoolID"). */
  poolId: string;
  /** A saved connection's name; default REMOTE_BATCH_CONNECTION or "local" (the embedded stack's). */
  connection?: string;
  temporal?: Partial<TemporalSettings>;
}

/** The seed's RemoteBatchSubmissionEnvironment: a pool, a connection, and where Temporal is. */
export class BatchEnvironment {
  readonly provider = 'AzureBatch';
  readonly poolId: string;
  readonly connection: string;
  readonly temporal: TemporalSettings;
  private temporalClient?: Promise<Client>;
  private gateways?: ConnectionGateways;

  constructor(options: BatchEnvironmentOptions) {
    const poolId = (options as Partial<BatchEnvironmentOptions> | undefined)?.poolId;
    if (typeof poolId !== 'string' || poolId.trim() === '') {
      throw new InvalidSettingError('PoolID', 'PoolID is required: pass batchEnvironment({ poolId: "<your Azure Batch pool id>" }).');
    }
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(poolId)) {
      throw new InvalidSettingError('PoolID', `PoolID '${poolId}' is not a valid Batch pool id (1 to 64 letters, digits, hyphens, underscores).`);
    }
    this.poolId = poolId;
    this.connection = options.connection ?? process.env.REMOTE_BATCH_CONNECTION ?? 'local';
    this.temporal = { ...temporalSettingsFromEnvironment(), ...options.temporal };
  }

  get ref(): EnvironmentRef {
    return { poolId: this.poolId, connection: this.connection };
  }

  /** How the environment appears in properties and lists (no secrets). */
  toString(): string {
    return `AzureBatch(pool=${this.poolId}, connection=${this.connection})`;
  }

  client(): Promise<Client> {
    this.temporalClient ??= Connection.connect({
      address: this.temporal.address,
      tls: this.temporal.tls,
      apiKey: this.temporal.apiKey,
    }).then((connection) => new Client({ connection, namespace: this.temporal.namespace, interceptors: clientInterceptorsFromEnvironment() }));
    return this.temporalClient;
  }

  /** The gateways to the connection's Batch account and storage account. */
  azure(): ConnectionGateways {
    // Loaded on first use, so what only talks to Temporal (the CLI's status, watch, abort, ls) skips the Azure SDKs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous lazy load, typed by `typeof import`
    const { AzureGateways } = require('../azure/gateways') as typeof import('../azure/gateways');
    this.gateways ??= new AzureGateways().get(this.connection);
    return this.gateways;
  }

  /** Closes the Temporal connection; the environment can be used again afterwards. */
  async close(): Promise<void> {
    const pending = this.temporalClient;
    this.temporalClient = undefined;
    if (pending) await (await pending).connection.close();
    await flushClientTracing();
  }
}

export function batchEnvironment(options: BatchEnvironmentOptions): BatchEnvironment {
  return new BatchEnvironment(options);
}
