import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import type { ResolvedOptions } from './config';
import { AccountHandler } from './handlers/accountHandler';
import { AutoScaleHandler } from './handlers/autoScaleHandler';
import { AutoScaling } from './scheduler/autoScaling';
import { AdminHandler } from './handlers/adminHandler';
import { FileHandler } from './handlers/fileHandler';
import { JobHandler } from './handlers/jobHandler';
import { NodeHandler } from './handlers/nodeHandler';
import { NodeUserHandler } from './handlers/nodeUserHandler';
import { PoolHandler } from './handlers/poolHandler';
import { TaskHandler } from './handlers/taskHandler';
import { FaultInjector } from './http/faults';
import { buildRouter } from './http/routes';
import { createBatchHttpServer } from './http/server';
import { ProcessLaunchers } from './node/launcher';
import { NodeLayout } from './node/layout';
import { AutoPools } from './scheduler/autoPools';
import { PoolManager } from './scheduler/poolManager';
import { RetentionSweeper } from './scheduler/retention';
import { Scheduler } from './scheduler/scheduler';
import { FileStore } from './store/fileStore';
import { MemoryStore } from './store/memoryStore';
import type { BatchStore } from './store/store';
import type { AccountQuotas } from './model/quotas';
import type { PoolRecord } from './model/types';
import { timestamp } from './model/timestamp';

export class EmulatorPortInUseError extends Error {
  override name = 'EmulatorPortInUseError';
  constructor(readonly host: string, readonly port: number) {
    super(`Port ${port} on ${host} is already in use, so the Batch emulator cannot listen there.`);
  }
}

/** Wires store, scheduler, pools, handlers and the HTTP server into one running service. */
export class BatchEmulator {
  readonly store: BatchStore;
  readonly scheduler: Scheduler;
  readonly pools: PoolManager;
  private readonly autoPools: AutoPools;
  private readonly autoScaling: AutoScaling;
  private readonly launchers: ProcessLaunchers;
  private readonly retention: RetentionSweeper;
  private server: http.Server | undefined;
  private closing: Promise<void> | undefined;
  private nodeLossTimer: NodeJS.Timeout | undefined;
  private preemptionTimer: NodeJS.Timeout | undefined;

  constructor(readonly options: ResolvedOptions) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    this.launchers = new ProcessLaunchers(options.launcher);
    this.store = options.persistence === 'disk' ? FileStore.open(options.dataDir, options.log) : new MemoryStore();
    const layout = new NodeLayout(options.nodesDir);
    this.scheduler = new Scheduler({ store: this.store, layout, launchers: this.launchers, accountName: options.accountName, log: options.log });
    this.pools = new PoolManager(this.store, this.scheduler, layout, options.quotas, options.resizeDurationMs);
    this.autoScaling = new AutoScaling(this.store, this.pools, this.scheduler);
    this.pools.onCreated = (pool, now) => {
      if (pool.spec.enableAutoScale === true) this.autoScaling.enabled(pool, now);
    };
    this.autoPools = new AutoPools(this.store, this.pools, options.quotas);
    this.scheduler.onJobEnded((job) => void this.autoPools.jobEnded(job));
    this.retention = new RetentionSweeper(this.store, layout, options.retentionSweepMs);
    const router = buildRouter({
      account: new AccountHandler(this.store),
      pools: new PoolHandler(this.store, this.pools, options.quotas, options.subscriptionId),
      nodes: new NodeHandler(this.store, this.scheduler),
      nodeUsers: new NodeUserHandler(this.store),
      autoScale: new AutoScaleHandler(this.store, this.autoScaling),
      jobs: new JobHandler(this.store, this.scheduler, layout, options.quotas, this.autoPools),
      tasks: new TaskHandler(this.store, this.scheduler, layout),
      files: new FileHandler(this.store, layout),
      admin: new AdminHandler(this.store, this.pools, options.quotas, this.autoScaling),
    });
    this.server = createBatchHttpServer({
      accountName: options.accountName,
      accountKey: Buffer.from(options.accountKey, 'base64'),
      router,
      maxBodyBytes: options.maxBodyBytes,
      faults: new FaultInjector(options.faults),
      acceptBearerTokens: options.acceptBearerTokens,
      log: options.log,
      commit: () => this.store.flush(),
    });
  }

  async listen(): Promise<{ url: string; port: number }> {
    const server = this.server!;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        reject(error.code === 'EADDRINUSE' ? new EmulatorPortInUseError(this.options.host, this.options.port) : error);
      };
      server.once('error', onError);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${this.options.host}:${port}`;
    this.scheduler.accountUrl = url;
    const now = new Date();
    this.pools.finishInterruptedResizes(now);
    this.pools.ensure(this.options.pools, now);
    this.scheduler.recover(now);
    this.autoScaling.start();
    this.retention.start();
    const every = this.options.faults.nodeLossEveryMs;
    if (every && every > 0) this.nodeLossTimer = setInterval(() => void this.loseRandomBusyNode(), every);
    const preemptEvery = this.options.faults.preemptionEveryMs;
    if (preemptEvery && preemptEvery > 0) this.preemptionTimer = setInterval(() => void this.preemptRandomBusyNode(preemptEvery / 2), preemptEvery);
    return { url, port };
  }

  private async loseRandomBusyNode(): Promise<void> {
    const busy = this.store.listPools().flatMap((pool) => this.store.listNodes(pool.id)).filter((node) => node.state === 'running');
    if (busy.length === 0) return;
    const random = this.options.faults.random ?? Math.random;
    const node = busy[Math.floor(random() * busy.length)];
    this.options.log(`batch emulator: fault injection: losing node ${node.id} of pool ${node.poolId}`);
    await this.loseNode(node.poolId, node.id);
  }

  /** Spot capacity comes and goes: a busy low-priority node is preempted and restored `restoreAfterMs` later. */
  private async preemptRandomBusyNode(restoreAfterMs: number): Promise<void> {
    const busy = this.store.listPools().flatMap((pool) => this.store.listNodes(pool.id)).filter((node) => !node.isDedicated && node.state === 'running');
    if (busy.length === 0) return;
    const random = this.options.faults.random ?? Math.random;
    const node = busy[Math.floor(random() * busy.length)];
    const pool = this.store.getPool(node.poolId);
    if (!pool) return;
    this.options.log(`batch emulator: fault injection: preempting node ${node.id} of pool ${node.poolId}`);
    await this.pools.preempt(pool, node.id);
    setTimeout(() => {
      const current = this.store.getPool(node.poolId);
      if (current && current.state === 'active' && !this.closing) this.pools.restorePreempted(current);
    }, restoreAfterMs).unref();
  }

  /** Preempts a low-priority node of the pool (a busy one unless `nodeId` names one); its tasks are requeued. */
  async preemptNode(poolId: string, nodeId?: string): Promise<string> {
    return (await this.pools.preempt(this.activePool(poolId), nodeId)).id;
  }

  restorePreemptedNodes(poolId: string): string[] {
    return this.pools.restorePreempted(this.activePool(poolId)).map((node) => node.id);
  }

  /** Ends the pool's resize now: nodes still arriving are idle and the pool is steady. */
  completeResize(poolId: string): void {
    this.pools.completeResize(this.activePool(poolId));
  }

  /** Runs the pool's autoscale formula now, as its next periodic evaluation would. */
  runAutoScale(poolId: string): void {
    const pool = this.activePool(poolId);
    if (pool.spec.enableAutoScale !== true) throw new Error(`Pool '${poolId}' does not have autoscale enabled.`);
    this.autoScaling.run(pool, new Date());
  }

  /** While on, the pool's allocation fails (resizeErrors AllocationFailed, 0 nodes, steady). */
  setAllocationFailure(poolId: string, enabled: boolean): Promise<void> {
    return this.pools.setAllocationFailure(this.activePool(poolId), enabled, new Date());
  }

  setQuotas(quotas: Partial<AccountQuotas>): AccountQuotas {
    Object.assign(this.options.quotas, quotas);
    return { ...this.options.quotas };
  }

  private activePool(poolId: string): PoolRecord {
    const pool = this.store.getPool(poolId);
    if (!pool || pool.state !== 'active') throw new Error(`Pool '${poolId}' does not exist or is being deleted.`);
    return pool;
  }

  /** Node loss: the node's tasks are killed and requeued; the node is briefly offline, then idle again. */
  async loseNode(poolId: string, nodeId?: string): Promise<void> {
    const nodes = this.store.listNodes(poolId);
    const node = nodeId ? nodes.find((n) => n.id.toLowerCase() === nodeId.toLowerCase()) : (nodes.find((n) => n.state === 'running') ?? nodes[0]);
    if (!node) throw new Error(`Pool '${poolId}' has no node${nodeId ? ` '${nodeId}'` : ''}.`);
    node.state = 'offline';
    node.stateTransitionTime = timestamp();
    this.store.saveNode(node);
    await this.scheduler.stopNodeTasks(node.poolId, node.id, 'requeue');
    const current = this.store.getNode(node.poolId, node.id);
    if (current) {
      current.state = 'idle';
      current.stateTransitionTime = timestamp();
      current.lastBootTime = current.stateTransitionTime;
      this.store.saveNode(current);
    }
    this.scheduler.kick();
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.nodeLossTimer);
    clearInterval(this.preemptionTimer);
    this.retention.stop();
    this.pools.close();
    this.autoScaling.close();
    // The scheduler stops first, so no task ending during shutdown is recorded as its outcome:
    // every task still running stays "running" in the store and is requeued on the next start.
    const stopped = this.scheduler.close();
    const server = this.server;
    this.server = undefined;
    if (server?.listening) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
    await stopped;
    await this.launchers.close();
    await this.store.flush();
    await this.store.close();
  }
}
