import { ErrorFactory } from '../errors/errorFactory';
import type { BatchRequest } from '../http/request';
import { empty, type HandlerResult } from '../http/result';
import { touch } from '../model/transitions';
import type { AccountQuotas } from '../model/quotas';
import type { JsonObject, PoolRecord } from '../model/types';
import { POOL_FILTER } from '../protocol/odataFilter';
import { nodeRemoveSchema, poolPatchSchema, poolResizeSchema, schemasFor } from '../protocol/schemas';
import { poolToWire, poolUrl } from '../protocol/serialize';
import { parseJsonBody, validateBody } from '../protocol/validate';
import type { PoolManager } from '../scheduler/poolManager';
import { poolSettingsOf } from '../scheduler/poolSettings';
import type { BatchStore } from '../store/store';
import { changed, checkConditions, created, entity, versioned } from './common';
import { listPage } from './listing';
import { checkAutoScaleSettings } from './poolAutoScaleSettings';
import { checkPoolPlacement } from './poolPlacement';
import { checkResourceFiles } from './taskValidation';

/** Pools: add, get, exists, list, patch, update properties, resize, stop resize, delete; account node counts. */
export class PoolHandler {
  constructor(
    private readonly store: BatchStore,
    private readonly pools: PoolManager,
    private readonly quotas: AccountQuotas,
    private readonly subscriptionId: string,
  ) {}

  add(request: BatchRequest): HandlerResult {
    const body = validateBody(schemasFor(request.apiVersion).poolAdd, parseJsonBody(request.body), 'PoolAddParameter');
    checkResourceFiles(body.startTask?.resourceFiles, 'startTask.');
    checkPoolPlacement(body as JsonObject, this.subscriptionId);
    checkAutoScaleSettings(body);
    if (this.store.getPool(body.id)) throw ErrorFactory.poolExists();
    if (this.store.listPools().length >= this.quotas.poolQuota) throw ErrorFactory.poolQuotaReached(this.quotas.poolQuota);
    const { id, ...spec } = body;
    const pool = this.pools.create(id, spec as JsonObject, poolSettingsOf(body), request.receivedAt);
    return created(poolUrl(request.baseUrl, pool.id), pool);
  }

  get(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const pool = this.find(params.poolId);
    checkConditions(request, pool, 'read');
    return entity(request, 'pools/@Element', poolToWire(pool, this.pools.currentNodes(pool), request.baseUrl), pool);
  }

  /** HEAD: 200 when the pool exists, 404 (no body) when it does not. */
  exists(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const pool = this.find(params.poolId);
    checkConditions(request, pool, 'read');
    return versioned(200, pool);
  }

  list(request: BatchRequest): HandlerResult {
    return listPage(request, {
      fragment: 'pools',
      items: this.store.listPools().sort((a, b) => a.creationTime.localeCompare(b.creationTime)).map((pool, index) => ({ pool, index })),
      positionOf: (item) => item.index,
      toWire: (item) => poolToWire(item.pool, this.pools.currentNodes(item.pool), request.baseUrl),
      filterable: POOL_FILTER,
    });
  }

  patch(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const pool = this.findActive(params.poolId);
    checkConditions(request, pool, 'write');
    const body = validateBody(poolPatchSchema, parseJsonBody(request.body), 'PoolPatchParameter');
    checkResourceFiles(body.startTask?.resourceFiles, 'startTask.');
    for (const [name, value] of Object.entries(body as JsonObject)) pool.spec[name] = value;
    touch(pool, request.receivedAt);
    this.store.savePool(pool);
    return changed(200, request, pool);
  }

  /** POST updateproperties: replaces start task, certificates, packages and metadata wholesale. */
  updateProperties(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const pool = this.findActive(params.poolId);
    checkConditions(request, pool, 'write');
    const parsed = validateBody(poolPatchSchema, parseJsonBody(request.body), 'PoolUpdatePropertiesParameter');
    checkResourceFiles(parsed.startTask?.resourceFiles, 'startTask.');
    const body = parsed as JsonObject;
    for (const name of ['certificateReferences', 'applicationPackageReferences', 'metadata']) {
      if (body[name] === undefined) throw ErrorFactory.missingRequiredProperty(name);
    }
    for (const name of ['startTask', 'certificateReferences', 'applicationPackageReferences', 'metadata']) {
      if (body[name] !== undefined) pool.spec[name] = body[name];
      else delete pool.spec[name];
    }
    pool.spec.targetNodeCommunicationMode = body.targetNodeCommunicationMode ?? 'default';
    touch(pool, request.receivedAt);
    this.store.savePool(pool);
    return changed(204, request, pool);
  }

  resize(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const pool = this.findActive(params.poolId);
    checkConditions(request, pool, 'write');
    const body = validateBody(poolResizeSchema, parseJsonBody(request.body), 'PoolResizeParameter');
    if (pool.allocationState !== 'steady') throw ErrorFactory.poolBeingResized();
    if (pool.spec.enableAutoScale === true) {
      throw ErrorFactory.operationInvalidForCurrentState(`Pool ${pool.id} scales by its autoscale formula; disable autoscale to resize it.`);
    }
    if (body.resizeTimeout) pool.spec.resizeTimeout = body.resizeTimeout;
    void this.pools.resize(
      pool,
      body.targetDedicatedNodes ?? pool.targetDedicatedNodes,
      body.targetLowPriorityNodes ?? pool.targetLowPriorityNodes,
      body.nodeDeallocationOption ?? 'requeue',
      request.receivedAt,
    );
    return changed(202, request, pool);
  }

  /**
   * Removes the named nodes (at most 100) from a steady pool: it is `resizing` until they are gone,
   * its targets lower by the nodes removed, and their tasks follow `nodeDeallocationOption`.
   */
  removeNodes(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const pool = this.findActive(params.poolId);
    checkConditions(request, pool, 'write');
    const body = validateBody(nodeRemoveSchema, parseJsonBody(request.body), 'NodeRemoveParameter');
    if (pool.allocationState !== 'steady') throw ErrorFactory.poolBeingResized();
    const nodes = [...new Set(body.nodeList.map((id) => id.toLowerCase()))].map((id) => {
      const node = this.store.getNode(pool.id, id);
      if (!node || node.state === 'leavingpool') throw ErrorFactory.invalidPropertyValue('nodeList', id, `The pool ${pool.id} has no node ${id}.`);
      return node;
    });
    if (body.resizeTimeout) pool.spec.resizeTimeout = body.resizeTimeout;
    void this.pools.removeNodes(pool, nodes, body.nodeDeallocationOption ?? 'requeue', request.receivedAt);
    return changed(202, request, pool);
  }

  stopResize(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const pool = this.findActive(params.poolId);
    checkConditions(request, pool, 'write');
    this.pools.stopResize(pool, request.receivedAt);
    return changed(202, request, pool);
  }

  delete(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const pool = this.find(params.poolId);
    checkConditions(request, pool, 'write');
    if (pool.state === 'deleting') throw ErrorFactory.poolBeingDeleted();
    void this.pools.delete(pool, request.receivedAt);
    return empty(202);
  }

  nodeCounts(request: BatchRequest): HandlerResult {
    const value = this.store
      .listPools()
      .sort((a, b) => a.creationTime.localeCompare(b.creationTime))
      .map((pool) => {
        const dedicated = emptyCounts();
        const lowPriority = emptyCounts();
        for (const node of this.store.listNodes(pool.id)) {
          const counts = node.isDedicated ? dedicated : lowPriority;
          const key = node.state === 'leavingpool' ? 'leavingPool' : node.state;
          counts[key] = (counts[key] ?? 0) + 1;
          counts.total++;
        }
        return { poolId: pool.id, dedicated, lowPriority };
      });
    return listPage(request, {
      fragment: 'poolnodecounts',
      items: value.map((counts, index) => ({ counts, index })),
      positionOf: (item) => item.index,
      toWire: (item) => item.counts as unknown as JsonObject,
      filterable: { poolId: 'string' },
    });
  }

  private find(poolId: string): PoolRecord {
    const pool = this.store.getPool(poolId);
    if (!pool) throw ErrorFactory.poolNotFound();
    return pool;
  }

  private findActive(poolId: string): PoolRecord {
    const pool = this.find(poolId);
    if (pool.state === 'deleting') throw ErrorFactory.poolBeingDeleted();
    return pool;
  }
}

function emptyCounts(): Record<string, number> {
  return {
    creating: 0,
    idle: 0,
    offline: 0,
    preempted: 0,
    rebooting: 0,
    reimaging: 0,
    running: 0,
    starting: 0,
    startTaskFailed: 0,
    leavingPool: 0,
    unknown: 0,
    unusable: 0,
    waitingForStartTask: 0,
    total: 0,
  };
}
