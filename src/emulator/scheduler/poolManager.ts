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

const inPool = (node: NodeRecord): boolean => node.state !== 'leavingpool';

/**
 * Pools and their nodes: creation, resizing, deletion, preemption. How many nodes a pool
 * gets is decided first (quotas, failed allocation; see allocation.ts), then only that many
 * node records are made; a node's directories appear when a task is first placed on it.
 */
export class PoolManager {
  constructor(
    private readonly store: BatchStore,
    private readonly scheduler: Scheduler,
    private readonly layout: NodeLayout,
    private readonly quotas: AccountQuotas,
  ) {}

  create(id: string, spec: JsonObject, settings: PoolSettings, now: Date, failAllocation = false): PoolRecord {
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
    void this.reallocate(pool, 'requeue', now);
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
        );
        continue;
      }
      existing.taskSlotsPerNode = definition.taskSlotsPerNode;
      if (definition.vmSize) existing.vmSize = definition.vmSize;
      if (definition.nodeFillType) existing.nodeFillType = definition.nodeFillType;
      if (definition.failAllocation) existing.failAllocation = true;
      else delete existing.failAllocation;
      void this.resize(existing, definition.nodeCount, definition.lowPriorityNodeCount ?? 0, 'requeue', now);
    }
  }

  /** Nodes in the pool by kind; preempted low-priority nodes count, as Batch counts them. */
  currentNodes(pool: PoolRecord): { dedicated: number; lowPriority: number } {
    let dedicated = 0;
    let lowPriority = 0;
    for (const node of this.store.listNodes(pool.id)) {
      if (!inPool(node)) continue;
      if (node.isDedicated) dedicated++;
      else lowPriority++;
    }
    return { dedicated, lowPriority };
  }

  /** Sets the pool's targets and allocates toward them; removed nodes' tasks follow `option`. */
  resize(pool: PoolRecord, dedicated: number, lowPriority: number, option: NodeDeallocationOption, now: Date): Promise<void> {
    pool.targetDedicatedNodes = dedicated;
    pool.targetLowPriorityNodes = lowPriority;
    return this.reallocate(pool, option, now);
  }

  /** Turns failing allocation on (the pool loses its nodes, tasks requeued) or off (it allocates again). */
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
    pool.state = 'deleting';
    pool.stateTransitionTime = timestamp(now);
    touch(pool, now);
    this.store.savePool(pool);
    await Promise.all(this.store.listNodes(pool.id).map((node) => this.removeNode(pool, node, 'requeue')));
    this.store.deletePool(pool.id);
    await fs.promises.rm(this.layout.poolDir(pool.id), { recursive: true, force: true });
  }

  /** Brings the pool's nodes to what `allocate` grants for its targets, and records why it got fewer. */
  private async reallocate(pool: PoolRecord, option: NodeDeallocationOption, now: Date): Promise<void> {
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
    this.addNodes(pool, allocation.dedicated - dedicated.length, true, now);
    this.addNodes(pool, allocation.lowPriority - lowPriority.length, false, now);
    const victims = [...leastBusyNewest(dedicated, dedicated.length - allocation.dedicated), ...leastBusyNewest(lowPriority, lowPriority.length - allocation.lowPriority)];
    await Promise.all(victims.map((node) => this.removeNode(pool, node, option)));
    const current = this.store.getPool(pool.id);
    if (current && current.state === 'active') this.setAllocationState(current, 'steady', new Date());
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

  /** Node records only: a node's directories are made when a task is first placed on it. */
  private addNodes(pool: PoolRecord, count: number, dedicated: boolean, now: Date): void {
    for (let i = 0; i < count; i++) {
      const index = pool.nodesCreated++;
      this.store.saveNode({
        poolId: pool.id,
        id: nodeIdFor(pool.id, index, dedicated),
        isDedicated: dedicated,
        state: 'idle',
        schedulingState: 'enabled',
        stateTransitionTime: timestamp(now),
        allocationTime: timestamp(now),
        lastBootTime: timestamp(now),
        totalTasksRun: 0,
        totalTasksSucceeded: 0,
        ipAddress: `10.${Math.floor(index / 62_500) % 250}.${Math.floor(index / 250) % 250}.${(index % 250) + 4}`,
      });
    }
    touch(pool, now);
    this.store.savePool(pool);
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
