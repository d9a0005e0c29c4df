import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { ErrorFactory } from '../errors/errorFactory';
import { coresOf, type AccountQuotas } from '../model/quotas';
import { timestamp } from '../model/timestamp';
import { touch } from '../model/transitions';
import type { JsonObject, NodeRecord, PoolRecord } from '../model/types';
import type { NodeLayout } from '../node/layout';
import type { BatchStore } from '../store/store';
import { allocate, type CoresInUse } from './allocation';
import { NodeArrivals } from './nodeArrival';
import type { Scheduler } from './scheduler';

export type NodeDeallocationOption = 'requeue' | 'terminate' | 'taskcompletion' | 'retaineddata';

export interface PoolDefinition {
  id: string;
  vmSize?: string;
  /** Dedicated nodes. */
  nodeCount: number;
  lowPriorityNodeCount?: number;
  taskSlotsPerNode: number;
  nodeFillType?: 'spread' | 'pack';
  /** Every allocation of the pool fails with AllocationFailed (it has no nodes). */
  failAllocation?: boolean;
}

export interface PoolSettings {
  vmSize: string;
  taskSlotsPerNode: number;
  nodeFillType: 'spread' | 'pack';
  targetDedicatedNodes: number;
  targetLowPriorityNodes: number;
}

export interface CurrentNodes {
  dedicated: number;
  lowPriority: number;
  booted: number;
}

const inPool = (node: NodeRecord): boolean => node.state !== 'leavingpool';

/**
 * Pools and their nodes: creation, resizing, deletion, preemption. How many nodes a pool
 * gets is decided first (quotas, failed allocation; see allocation.ts), then only that many
 * node records are made; a node's directories appear when a task is first placed on it.
 * Nodes a resize adds take `resizeDurationMs` to become idle (nodeArrival.ts); the pool is
 * `resizing` until then. Configured pools are made ready at once.
 */
export class PoolManager {
  private readonly arrivals: NodeArrivals;
  /** Told of every pool made (by pool add, an auto pool, the configuration): autoscale starts there. */
  onCreated: (pool: PoolRecord, now: Date) => void = () => undefined;

  constructor(
    private readonly store: BatchStore,
    private readonly scheduler: Scheduler,
    private readonly layout: NodeLayout,
    private readonly quotas: AccountQuotas,
    private readonly resizeDurationMs = 0,
  ) {
    this.arrivals = new NodeArrivals(store);
  }

  create(id: string, spec: JsonObject, settings: PoolSettings, now: Date, failAllocation = false, immediately = false): PoolRecord {
    const pool: PoolRecord = {
      id,
      spec,
      ...settings,
      state: 'active',
      allocationState: 'steady',
      creationTime: timestamp(now),
      lastModified: timestamp(now),
      eTag: '',
      stateTransitionTime: timestamp(now),
      allocationStateTransitionTime: timestamp(now),
      nodesCreated: 0,
      ...(failAllocation ? { failAllocation } : {}),
    };
    touch(pool, now);
    this.store.savePool(pool);
    void this.reallocate(pool, 'requeue', now, immediately);
    this.onCreated(pool, now);
    return pool;
  }

  /**
   * Makes configured pools exist with the configured size and slots. A pool that is
   * already stored keeps its id, nodes and history; only its shape follows the configuration.
   */
  ensure(definitions: PoolDefinition[], now: Date): void {
    for (const definition of definitions) {
      const existing = this.store.getPool(definition.id);
      const vmSize = definition.vmSize ?? 'standard_d2s_v3';
      if (!existing) {
        this.create(
          definition.id,
          { vmSize },
          {
            vmSize,
            taskSlotsPerNode: definition.taskSlotsPerNode,
            nodeFillType: definition.nodeFillType ?? 'spread',
            targetDedicatedNodes: definition.nodeCount,
            targetLowPriorityNodes: definition.lowPriorityNodeCount ?? 0,
          },
          now,
          definition.failAllocation,
          true,
        );
        continue;
      }
      existing.taskSlotsPerNode = definition.taskSlotsPerNode;
      if (definition.vmSize) existing.vmSize = definition.vmSize;
      if (definition.nodeFillType) existing.nodeFillType = definition.nodeFillType;
      if (definition.failAllocation) existing.failAllocation = true;
      else delete existing.failAllocation;
      void this.resize(existing, definition.nodeCount, definition.lowPriorityNodeCount ?? 0, 'requeue', now, true);
    }
  }

  /** After a restart: a resize that was under way is finished (its nodes idle, the pool steady). */
  finishInterruptedResizes(now: Date): void {
    for (const pool of this.store.listPools()) {
      for (const node of this.store.listNodes(pool.id)) {
        if (node.state !== 'creating' && node.state !== 'starting') continue;
        node.state = 'idle';
        node.stateTransitionTime = timestamp(now);
        node.lastBootTime = node.stateTransitionTime;
        this.store.saveNode(node);
      }
      if (pool.allocationState !== 'steady' && pool.state === 'active') this.setAllocationState(pool, 'steady', now);
    }
  }

  /** Nodes in the pool by kind (preempted low-priority nodes count, as Batch counts them), and how many have booted. */
  currentNodes(pool: PoolRecord): CurrentNodes {
    let dedicated = 0;
    let lowPriority = 0;
    let booted = 0;
    for (const node of this.store.listNodes(pool.id)) {
      if (!inPool(node)) continue;
      if (node.isDedicated) dedicated++;
      else lowPriority++;
      if (node.lastBootTime) booted++;
    }
    return { dedicated, lowPriority, booted };
  }

  /** Sets the pool's targets and allocates toward them; removed nodes' tasks follow `option`. */
  resize(pool: PoolRecord, dedicated: number, lowPriority: number, option: NodeDeallocationOption, now: Date, immediately = false): Promise<void> {
    pool.targetDedicatedNodes = dedicated;
    pool.targetLowPriorityNodes = lowPriority;
    return this.reallocate(pool, option, now, immediately);
  }

  /**
   * Stops a resize under way: nodes not yet booting are given up, those booting stay, and the
   * pool is steady with a `ResizeStopped` resize error, as Batch leaves it. A steady pool is left as it is.
   */
  stopResize(pool: PoolRecord, now: Date): void {
    if (pool.allocationState === 'steady') return;
    for (const node of this.arrivals.stop(pool.id)) this.store.deleteNode(pool.id, node.id);
    pool.resizeErrors = [
      ...(pool.resizeErrors ?? []),
      { code: 'ResizeStopped', message: 'The user stopped the resize operation.', values: [] },
    ];
    this.setAllocationState(pool, 'steady', now);
    this.scheduler.kick();
  }

  /** Takes the given nodes out of the pool and lowers its targets by them; the pool is `resizing` until they are gone. */
  async removeNodes(pool: PoolRecord, nodes: NodeRecord[], option: NodeDeallocationOption, now: Date): Promise<void> {
    const dedicated = nodes.filter((node) => node.isDedicated).length;
    pool.targetDedicatedNodes = Math.max(0, pool.targetDedicatedNodes - dedicated);
    pool.targetLowPriorityNodes = Math.max(0, pool.targetLowPriorityNodes - (nodes.length - dedicated));
    delete pool.resizeErrors;
    this.setAllocationState(pool, 'resizing', now);
    await Promise.all(nodes.map((node) => this.removeNode(pool, node, option)));
    this.resized(pool.id);
  }

  /** Ends the pool's resize now (its arriving nodes idle): for tests that must not wait on time. */
  completeResize(pool: PoolRecord): void {
    this.arrivals.complete(pool.id);
  }

  close(): void {
    this.arrivals.close();
  }

  /** Turns failing allocation on (the pool loses its nodes, tasks requeued) or off (it allocates again, as a resize does). */
  setAllocationFailure(pool: PoolRecord, enabled: boolean, now: Date): Promise<void> {
    if (enabled) pool.failAllocation = true;
    else delete pool.failAllocation;
    return this.reallocate(pool, 'requeue', now);
  }

  /**
   * A low-priority node is taken back: it turns `preempted`, its running tasks are killed and
   * requeued (to run again on another node), and it takes no tasks until it is restored.
   */
  async preempt(pool: PoolRecord, nodeId?: string): Promise<NodeRecord> {
    const lowPriority = this.store.listNodes(pool.id).filter((node) => !node.isDedicated && inPool(node));
    const node = nodeId
      ? lowPriority.find((candidate) => candidate.id.toLowerCase() === nodeId.toLowerCase())
      : (lowPriority.find((candidate) => candidate.state === 'running') ?? lowPriority.find((candidate) => candidate.state === 'idle'));
    if (!node) {
      if (nodeId && this.store.getNode(pool.id, nodeId)) throw ErrorFactory.operationInvalidForCurrentState('Only a low-priority (spot) node can be preempted.');
      throw ErrorFactory.nodeNotFound();
    }
    if (node.state === 'preempted') return node;
    node.state = 'preempted';
    node.stateTransitionTime = timestamp();
    this.store.saveNode(node);
    await this.scheduler.stopNodeTasks(pool.id, node.id, 'requeue');
    return node;
  }

  /** Capacity is back: the pool's preempted nodes boot again and take tasks. */
  restorePreempted(pool: PoolRecord): NodeRecord[] {
    const restored = this.store.listNodes(pool.id).filter((node) => node.state === 'preempted');
    for (const node of restored) {
      node.state = 'idle';
      node.stateTransitionTime = timestamp();
      node.lastBootTime = node.stateTransitionTime;
      this.store.saveNode(node);
    }
    this.scheduler.kick();
    return restored;
  }

  async removeNode(pool: PoolRecord, node: NodeRecord, option: NodeDeallocationOption): Promise<void> {
    node.state = 'leavingpool';
    node.schedulingState = 'disabled';
    node.stateTransitionTime = timestamp();
    this.store.saveNode(node);
    if (option === 'requeue') await this.scheduler.stopNodeTasks(pool.id, node.id, 'requeue');
    else if (option === 'terminate') await this.scheduler.stopNodeTasks(pool.id, node.id, 'terminate');
    else await this.scheduler.nodeDrained(pool.id, node.id);
    this.store.deleteNode(pool.id, node.id);
    await this.layout.removeNode(pool.id, node.id);
  }

  async delete(pool: PoolRecord, now: Date): Promise<void> {
    this.arrivals.cancel(pool.id);
    pool.state = 'deleting';
    pool.stateTransitionTime = timestamp(now);
    touch(pool, now);
    this.store.savePool(pool);
    await Promise.all(this.store.listNodes(pool.id).map((node) => this.removeNode(pool, node, 'requeue')));
    this.store.deletePool(pool.id);
    await fs.promises.rm(this.layout.poolDir(pool.id), { recursive: true, force: true });
  }

  /** Brings the pool's nodes to what `allocate` grants for its targets, and records why it got fewer. */
  private async reallocate(pool: PoolRecord, option: NodeDeallocationOption, now: Date, immediately = false): Promise<void> {
    // A resize while nodes are still arriving (failed allocation toggled, a restart) lets them arrive first.
    this.arrivals.complete(pool.id);
    const allocation = allocate(pool, this.quotas, this.coresInUseBesides(pool));
    if (allocation.errors.length) pool.resizeErrors = allocation.errors;
    else delete pool.resizeErrors;
    const nodes = this.store.listNodes(pool.id).filter(inPool);
    const dedicated = nodes.filter((node) => node.isDedicated);
    const lowPriority = nodes.filter((node) => !node.isDedicated);
    if (dedicated.length === allocation.dedicated && lowPriority.length === allocation.lowPriority) {
      touch(pool, now);
      this.store.savePool(pool);
      return;
    }
    this.setAllocationState(pool, 'resizing', now);
    const durationMs = immediately ? 0 : this.resizeDurationMs;
    const added = [
      ...this.addNodes(pool, allocation.dedicated - dedicated.length, true, now, durationMs > 0),
      ...this.addNodes(pool, allocation.lowPriority - lowPriority.length, false, now, durationMs > 0),
    ];
    const victims = [...leastBusyNewest(dedicated, dedicated.length - allocation.dedicated), ...leastBusyNewest(lowPriority, lowPriority.length - allocation.lowPriority)];
    await Promise.all(victims.map((node) => this.removeNode(pool, node, option)));
    if (added.length && durationMs > 0) this.arrivals.begin(pool.id, added, durationMs, () => this.resized(pool.id));
    else this.resized(pool.id);
  }

  /** The resize is over: the pool is steady and its new nodes take tasks. */
  private resized(poolId: string): void {
    const current = this.store.getPool(poolId);
    if (current && current.state === 'active' && current.allocationState === 'resizing') this.setAllocationState(current, 'steady', new Date());
    this.scheduler.kick();
  }

  private coresInUseBesides(pool: PoolRecord): CoresInUse {
    const used: CoresInUse = { dedicated: 0, lowPriority: 0 };
    for (const other of this.store.listPools()) {
      if (other.id.toLowerCase() === pool.id.toLowerCase()) continue;
      const cores = coresOf(other.vmSize);
      const counts = this.currentNodes(other);
      used.dedicated += counts.dedicated * cores;
      used.lowPriority += counts.lowPriority * cores;
    }
    return used;
  }

  /** Node records only (idle, or `creating` when they arrive over time): a node's directories are made when a task is first placed on it. */
  private addNodes(pool: PoolRecord, count: number, dedicated: boolean, now: Date, arriving: boolean): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const index = pool.nodesCreated++;
      const id = nodeIdFor(pool.id, index, dedicated);
      this.store.saveNode({
        poolId: pool.id,
        id,
        isDedicated: dedicated,
        state: arriving ? 'creating' : 'idle',
        schedulingState: 'enabled',
        stateTransitionTime: timestamp(now),
        allocationTime: timestamp(now),
        ...(arriving ? {} : { lastBootTime: timestamp(now) }),
        totalTasksRun: 0,
        totalTasksSucceeded: 0,
        ipAddress: `10.${Math.floor(index / 62_500) % 250}.${Math.floor(index / 250) % 250}.${(index % 250) + 4}`,
      });
      ids.push(id);
    }
    touch(pool, now);
    this.store.savePool(pool);
    return ids;
  }

  private setAllocationState(pool: PoolRecord, state: PoolRecord['allocationState'], now: Date): void {
    pool.allocationState = state;
    pool.allocationStateTransitionTime = timestamp(now);
    touch(pool, now);
    this.store.savePool(pool);
  }
}

/** The `count` nodes a shrinking pool gives up: idle ones first, then the most recently added. */
function leastBusyNewest(nodes: NodeRecord[], count: number): NodeRecord[] {
  if (count <= 0) return [];
  return [...nodes].sort((a, b) => Number(a.state === 'idle') - Number(b.state === 'idle') || a.allocationTime.localeCompare(b.allocationTime)).slice(nodes.length - count);
}

/** Node ids in the shape Batch uses (`tvmps_<hex>_d`, `_p` for low-priority), stable for a pool and index. */
export function nodeIdFor(poolId: string, index: number, dedicated = true): string {
  const hash = createHash('sha256').update(`${poolId.toLowerCase()}:${index}`).digest('hex').slice(0, 48);
  return `tvmps_${hash}_${dedicated ? 'd' : 'p'}`;
}
