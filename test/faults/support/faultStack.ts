import path from 'node:path';
import { batchEnvironment, type BatchEnvironment } from '../../../src/client';
import { defaultDataDir } from '../../../src/stack/config';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../../src/stack/localStack';
import { findFreePort } from '../../../src/stack/ports';
import { waitFor } from '../../support/waitFor';

export type ServiceName = 'Temporal server' | 'Azurite (Blob Storage)' | 'Azure Batch emulator' | 'remote-batch worker';

/**
 * A whole local stack of its own (free ports, its own data folder) that the
 * fault tests break for real: SIGKILL a service and its supervisor brings it
 * back, or stop the whole stack and start it again on the same data.
 */
export class FaultStack {
  private constructor(
    private stack: LocalStack,
    private readonly options: LocalStackOptions,
    readonly environment: BatchEnvironment,
    /** The one-slot pool `solo`, where a single job runs beside an array that fills `local`. */
    readonly soloEnvironment: BatchEnvironment,
    readonly restartLog: string[],
  ) {}

  static async start(name: string, extra: Partial<LocalStackOptions> = {}): Promise<FaultStack> {
    const restartLog: string[] = [];
    const options: LocalStackOptions = {
      dataDir: path.join(defaultDataDir, 'fault-stacks', `${process.pid}-${name}`),
      ports: { temporal: await findFreePort(), temporalUi: await findFreePort(), azurite: await findFreePort(), emulator: await findFreePort() },
      pools: 'local:2:4,solo:1:1',
      // A port of its own: the default 9464 may be taken by another stack on the machine.
      metricsPort: await findFreePort(),
      log: (line) => {
        restartLog.push(line);
        process.stderr.write(`[fault stack ${name}] ${line}\n`);
      },
      ...extra,
    };
    const stack = await startLocalStack(options);
    const temporal = { address: stack.temporalAddress, namespace: stack.namespace };
    return new FaultStack(stack, options, batchEnvironment({ poolId: 'local', temporal }), batchEnvironment({ poolId: 'solo', temporal }), restartLog);
  }

  get logsDir(): string {
    return this.stack.logsDir;
  }

  /** SIGKILLs a service's whole process group (no chance to clean up), then waits until its supervisor has it running again. */
  async killAndAwaitRestart(name: ServiceName): Promise<void> {
    const service = this.stack.services.find((candidate) => candidate.name === name);
    if (!service) throw new Error(`no service ${name} in the stack`);
    const before = service.restarts();
    const pid = service.current().pid!;
    process.kill(-pid, 'SIGKILL');
    await waitFor(async () => service.restarts(), (restarts) => restarts > before, { timeoutMs: 180_000, what: `${name} to be restarted` });
  }

  /** Ctrl-C and `npm run stack` again on the same data folder and ports. */
  async restartWhole(): Promise<void> {
    await this.stack.stop();
    this.stack = await startLocalStack(this.options);
  }

  async stop(): Promise<void> {
    await this.environment.close();
    await this.soloEnvironment.close();
    await this.stack.stop();
  }
}
