import { z } from 'zod';
import { ErrorFactory } from '../errors/errorFactory';
import type { BatchRequest } from '../http/request';
import { empty, type HandlerResult } from '../http/result';
import type { NodeRecord, PoolRecord } from '../model/types';
import { NODE_FILTER } from '../protocol/odataFilter';
import { oneOf } from '../protocol/schemas';
import { nodeToWire } from '../protocol/nodeWire';
import { parseOptionalJsonBody, validateBody } from '../protocol/validate';
import type { Scheduler } from '../scheduler/scheduler';
import type { BatchStore } from '../store/store';
import { entity } from './common';
import { listPage } from './listing';
import { timestamp } from '../model/timestamp';

const disableSchedulingSchema = z.strictObject({ nodeDisableSchedulingOption: oneOf(['requeue', 'terminate', 'taskcompletion']).optional() });
const rebootSchema = z.strictObject({ nodeRebootOption: oneOf(['requeue', 'terminate', 'taskcompletion', 'retaineddata']).optional() });
const reimageSchema = z.strictObject({ nodeReimageOption: oneOf(['requeue', 'terminate', 'taskcompletion', 'retaineddata']).optional() });

/** A node action's answer: Batch names the action's URL in DataServiceId (a node has no ETag). */
const acted = (status: number, request: BatchRequest): HandlerResult => empty(status, { DataServiceId: `${request.baseUrl}${request.path}` });

/** Compute nodes: list, get, enable/disable scheduling, reboot, reimage. */
export class NodeHandler {
  constructor(
    private readonly store: BatchStore,
    private readonly scheduler: Scheduler,
  ) {}

  list(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const pool = this.findPool(params.poolId);
    return listPage(request, {
      fragment: 'nodes',
      items: this.store.listNodes(pool.id).map((node, index) => ({ node, index })),
      positionOf: (item) => item.index,
      toWire: (item) => nodeToWire(item.node, pool, this.scheduler.runningTaskCount(pool.id, item.node.id), request.baseUrl, request.apiVersion),
      filterable: NODE_FILTER,
    });
  }

  get(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const { pool, node } = this.find(params.poolId, params.nodeId);
    const wire = nodeToWire(node, pool, this.scheduler.runningTaskCount(pool.id, node.id), request.baseUrl, request.apiVersion);
    return entity(request, 'nodes/@Element', wire);
  }

  disableScheduling(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const { pool, node } = this.find(params.poolId, params.nodeId);
    const body = validateBody(disableSchedulingSchema, parseOptionalJsonBody(request.body), 'NodeDisableSchedulingParameter');
    node.schedulingState = 'disabled';
    this.store.saveNode(node);
    const option = body.nodeDisableSchedulingOption ?? 'requeue';
    if (option !== 'taskcompletion') void this.scheduler.stopNodeTasks(pool.id, node.id, option);
    return acted(200, request);
  }

  enableScheduling(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const { node } = this.find(params.poolId, params.nodeId);
    node.schedulingState = 'enabled';
    this.store.saveNode(node);
    this.scheduler.kick();
    return acted(200, request);
  }

  reboot(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const body = validateBody(rebootSchema, parseOptionalJsonBody(request.body), 'NodeRebootParameter');
    this.restart(params, 'rebooting', body.nodeRebootOption ?? 'requeue');
    return acted(202, request);
  }

  /**
   * Until 2024-07-01.20.0 Batch reimages only nodes of cloud-service pools (the API's own words);
   * from that version, which retired cloud services, it reimages virtual-machine nodes too.
   */
  reimage(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const body = validateBody(reimageSchema, parseOptionalJsonBody(request.body), 'NodeReimageParameter');
    const { pool } = this.find(params.poolId, params.nodeId);
    if (request.apiVersion < '2024-07-01' && !pool.spec.cloudServiceConfiguration) {
      throw ErrorFactory.operationNotValidOnNode(`Reimage is supported only on nodes of pools with cloudServiceConfiguration before api-version 2024-07-01.20.0; pool ${pool.id} is a virtual machine pool.`);
    }
    this.restart(params, 'reimaging', body.nodeReimageOption ?? 'requeue');
    return acted(202, request);
  }

  /** A reboot or reimage takes the node away from its tasks and gives it back idle. */
  private restart(params: Record<string, string>, state: 'rebooting' | 'reimaging', option: string): void {
    const { pool, node } = this.find(params.poolId, params.nodeId);
    if (node.state !== 'idle' && node.state !== 'running') {
      throw ErrorFactory.operationInvalidForCurrentState(`The node is ${node.state}; only an idle or running node can be restarted.`);
    }
    const stopped =
      option === 'taskcompletion' || option === 'retaineddata'
        ? this.scheduler.nodeDrained(pool.id, node.id)
        : this.scheduler.stopNodeTasks(pool.id, node.id, option === 'terminate' ? 'terminate' : 'requeue');
    this.scheduler.nodeRestarted(pool.id, node.id, state === 'reimaging');
    node.state = state as NodeRecord['state'];
    node.schedulingState = 'disabled';
    node.stateTransitionTime = timestamp();
    this.store.saveNode(node);
    void stopped.then(() => {
      const current = this.store.getNode(pool.id, node.id);
      if (!current) return;
      const now = timestamp();
      current.state = 'idle';
      current.schedulingState = 'enabled';
      current.stateTransitionTime = now;
      current.lastBootTime = now;
      this.store.saveNode(current);
      this.scheduler.kick();
    });
  }

  private findPool(poolId: string): PoolRecord {
    const pool = this.store.getPool(poolId);
    if (!pool) throw ErrorFactory.poolNotFound();
    return pool;
  }

  private find(poolId: string, nodeId: string): { pool: PoolRecord; node: NodeRecord } {
    const pool = this.findPool(poolId);
    const node = this.store.getNode(pool.id, nodeId);
    if (!node) throw ErrorFactory.nodeNotFound();
    return { pool, node };
  }
}
