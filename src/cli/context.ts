import type { Command } from 'commander';
import type { BatchEnvironment } from '../client/environment';
import { temporalSettingsFromEnvironment } from '../client/temporalSettings';
import { exitCodes, usageError } from './exitCodes';
import { type CliIO, Output } from './io';
import type { JobRef } from './jobRef';
import { assertTemporalReachable } from './reachability';

export interface GlobalOptions {
  pool?: string;
  connection?: string;
}

/** What every command gets: the streams, the global options, and the environment built from them on demand. */
export class CommandContext {
  readonly out: Output;
  /** What the process exits with once the command is done. */
  exitCode: number = exitCodes.ok;
  private environmentInstance?: BatchEnvironment;

  constructor(readonly io: CliIO) {
    this.out = new Output(io);
  }

  globals(command: Command): GlobalOptions {
    const options = command.optsWithGlobals<GlobalOptions>();
    return {
      pool: options.pool ?? (this.io.env.REMOTE_BATCH_POOL || undefined),
      connection: options.connection ?? (this.io.env.REMOTE_BATCH_CONNECTION || undefined),
    };
  }

  /**
   * The saved connections' file (REMOTE_BATCH_CONNECTIONS_FILE or the user's
   * config folder); one that other users can read is used with a warning.
   */
  async connectionsFile(): Promise<string> {
    // zod comes with the store and takes a while to load; only commands that need it pay.
    const { connectionsFilePath } = require('../connections/store') as typeof import('../connections/store');
    const file = connectionsFilePath(this.io.env);
    const { readableByOthersWarning } = require('../connections/fileMode') as typeof import('../connections/fileMode');
    const warning = readableByOthersWarning(file);
    if (warning) this.out.info(`remote-batch: warning: ${warning}`);
    return file;
  }

  get temporalAddress(): string {
    return temporalSettingsFromEnvironment(this.io.env).address;
  }

  /** The seed's RemoteBatchSubmissionEnvironment from --pool/--connection; PoolID is required. */
  async environment(command: Command): Promise<BatchEnvironment> {
    if (this.environmentInstance) return this.environmentInstance;
    const { pool, connection } = this.globals(command);
    if (!pool) {
      throw usageError('PoolID is required: pass --pool <id> or set REMOTE_BATCH_POOL (the Azure Batch pool jobs run on).');
    }
    // Loaded here, not at the top: help and usage errors should not wait for the SDKs to load.
    const { batchEnvironment } = require('../client/environment') as typeof import('../client/environment');
    try {
      this.environmentInstance = batchEnvironment({
        poolId: pool,
        connection: connection ?? 'local',
        temporal: temporalSettingsFromEnvironment(this.io.env),
      });
    } catch (error) {
      if ((error as Error).name === 'InvalidSettingError') throw usageError((error as Error).message);
      throw error;
    }
    await assertTemporalReachable(this.temporalAddress);
    // Jobs are listed and read through Temporal alone; an unknown connection would otherwise pass for one with no jobs.
    await this.connectionsFile();
    const { resolveConnection } = require('../connections/store') as typeof import('../connections/store');
    resolveConnection(this.environmentInstance.connection, this.io.env);
    return this.environmentInstance;
  }

  /** "pool local, connection local": how this environment is named in messages. */
  describeEnvironment(): string | undefined {
    const env = this.environmentInstance;
    return env ? `pool ${env.poolId}, connection ${env.connection}` : undefined;
  }

  /**
   * The job a user named, in this environment: `rb-…` (a Single or an Array
   * job) or `rb-…/n` (child n of an array). A job of the same Temporal
   * namespace but another pool or connection is "not in this environment".
   */
  async job(command: Command, text: string): Promise<JobRef> {
    // Checked before anything is reached: a malformed id is a usage error even with Temporal down.
    const { parseJobId } = require('../client/jobId') as typeof import('../client/jobId');
    parseJobId(text);
    const env = await this.environment(command);
    const { jobObject } = require('../client/jobLookup') as typeof import('../client/jobLookup');
    return jobObject(env, text, { abortSignal: this.io.signal });
  }

  async close(): Promise<void> {
    await this.environmentInstance?.close().catch(() => undefined);
  }
}
