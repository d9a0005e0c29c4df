import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { touch } from '../model/transitions';
import type { JsonObject, NodeRecord, PoolRecord } from '../model/types';
import type { NodeLayout } from '../node/layout';
import type { BatchStore } from '../store/store';
import type { Scheduler } from './scheduler';
import { timestamp } from '../model/timestamp';

export type NodeDeallocationOption = 'requeue' | 'terminate' | 'taskcompletion' | 'retaineddata';

export interface PoolDefinition {
  id: string;
  vmSize?: string;
  nodeCount: number;
  taskSlotsPerNode: number;
  nodeFillType?: 'spread' | 'pack';
}

/** Pools and their nodes: creation, resizing, deletion. Nodes are ready at once; there is no VM to boot. */
export class PoolManager {
  constructor(
    private readonly store: BatchStore,
    private readonly scheduler: Scheduler,
    private readonly layout: NodeLayout,
  ) {}

  create(id: string, spec: JsonObject, settings: { vmSize: string; taskSlotsPerNode: number; nodeFillType: 'spread' | 'pack'; targetDedicatedNodes: number; targetLowPriorityNodes: number }, now: Date): PoolRecord {
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
    };
    touch(pool, now);
    this.store.savePool(pool);
    this.addNodes(pool, settings.targetDedicatedNodes + settings.targetLowPriorityNodes, now);
    this.scheduler.kick();
    return pool;
  }

  /**
   * Makes configured pools exist with the configured size and slots. A pool that is
   * already stored keeps its id, nodes and history; only its shape follows the configuration.
   */
  ensure(definitions: PoolDefinition[], now: Date): void {
    for (const definition of definitions) {
      const existing = this.store.getPool(definition.id);
      if (!existing) {
        this.create(
          definition.id,
          { vmSize: definition.vmSize ?? 'standard_d2s_v3' },
          {
            vmSize: definition.vmSize ?? 'standard_d2s_v3',
            taskSlotsPerNode: definition.taskSlotsPerNode,
            nodeFillType: definition.nodeFillType ?? 'spread',
            targetDedicatedNodes: definition.nodeCount,
            targetLowPriorityNodes: 0,
          },
          now,
        );
        continue;
      }
      existing.taskSlotsPerNode = definition.taskSlotsPerNode;
      if (definition.vmSize) existing.vmSize = definition.vmSize;
      if (definition.nodeFillType) existing.nodeFillType = definition.nodeFillType;
      touch(existing, now);
      this.store.savePool(existing);
      void this.resize(existing, definition.nodeCount, 0, 'requeue', now);
    }
  }

  currentNodeCount(pool: PoolRecord): number {
    return this.store.listNodes(pool.id).filter((node) => node.state !== 'leavingpool').length;
  }

  /** Adds or removes nodes until the pool has its target; removed nodes' tasks follow `option`. */
  async resize(pool: PoolRecord, dedicated: number, lowPriority: number, option: NodeDeallocationOption, now: Date): Promise<void> {
    pool.targetDedicatedNodes = dedicated;
    pool.targetLowPriorityNodes = lowPriority;
    const target = dedicated + lowPriority;
    const nodes = this.store.listNodes(pool.id).filter((node) => node.state !== 'leavingpool');
    if (nodes.length === target) {
      touch(pool, now);
      this.store.savePool(pool);
      return;
    }
    this.setAllocationState(pool, 'resizing', now);
    if (nodes.length < target) {
      this.addNodes(pool, target - nodes.length, now);
    } else {
      // Idle nodes go first, then the most recently added.
      const victims = [...nodes]
        .sort((a, b) => Number(a.state === 'idle') - Number(b.state === 'idle') || a.allocationTime.localeCompare(b.allocationTime))
        .slice(target - nodes.length);
      await Promise.all(victims.map((node) => this.removeNode(pool, node, option)));
    }
    const current = this.store.getPool(pool.id);
    if (current && current.state === 'active') this.setAllocationState(current, 'steady', new Date());
    this.scheduler.kick();
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
    await fs.promises.rm(this.layout.rootDir(pool.id, node.id), { recursive: true, force: true });
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

  private addNodes(pool: PoolRecord, count: number, now: Date): void {
    for (let i = 0; i < count; i++) {
      const index = pool.nodesCreated++;
      const node: NodeRecord = {
        poolId: pool.id,
        id: nodeIdFor(pool.id, index),
        isDedicated: true,
        state: 'idle',
        schedulingState: 'enabled',
        stateTransitionTime: timestamp(now),
        allocationTime: timestamp(now),
        lastBootTime: timestamp(now),
        totalTasksRun: 0,
        totalTasksSucceeded: 0,
        ipAddress: `10.0.${Math.floor(index / 250)}.${(index % 250) + 4}`,
      };
      fs.mkdirSync(this.layout.sharedDir(pool.id, node.id), { recursive: true });
      fs.mkdirSync(this.layout.startupDir(pool.id, node.id), { recursive: true });
      this.store.saveNode(node);
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

/** Node ids in the shape Batch uses (`tvmps_<hex>_d`), stable for a pool and index. */
export function nodeIdFor(poolId: string, index: number): string {
  const hash = createHash('sha256').update(`${poolId.toLowerCase()}:${index}`).digest('hex').slice(0, 48);
  return `tvmps_${hash}_d`;
}
