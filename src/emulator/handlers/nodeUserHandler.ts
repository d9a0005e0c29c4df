import { z } from 'zod';
import { ErrorFactory } from '../errors/errorFactory';
import type { BatchRequest } from '../http/request';
import { empty, type HandlerResult } from '../http/result';
import type { NodeRecord, NodeUser } from '../model/types';
import { parseJsonBody, validateBody } from '../protocol/validate';
import type { BatchStore } from '../store/store';

const expiryTime = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'The expiry time must be an ISO 8601 date and time.');
const addUserSchema = z.strictObject({
  name: z.string().min(1, 'The user name cannot be empty.').max(20, 'The user name cannot be longer than 20 characters.'),
  isAdmin: z.boolean().optional(),
  expiryTime: expiryTime.optional(),
  password: z.string().optional(),
  sshPublicKey: z.string().optional(),
});
const updateUserSchema = z.strictObject({ password: z.string().optional(), expiryTime: expiryTime.optional(), sshPublicKey: z.string().optional() });

/**
 * Accounts on a compute node (for remote login on Batch). The emulator keeps who they are, not
 * their passwords or keys: nothing logs in to a node here.
 */
export class NodeUserHandler {
  constructor(private readonly store: BatchStore) {}

  add(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const node = this.find(params.poolId, params.nodeId);
    const body = validateBody(addUserSchema, parseJsonBody(request.body), 'ComputeNodeUser');
    if (node.state !== 'idle' && node.state !== 'running') {
      throw ErrorFactory.operationInvalidForCurrentState(`The node is ${node.state}; users can be added only to an idle or running node.`);
    }
    const users = node.users ?? [];
    if (users.some((user) => user.name.toLowerCase() === body.name.toLowerCase())) throw ErrorFactory.nodeUserExists();
    const user: NodeUser = { name: body.name, isAdmin: body.isAdmin ?? false, ...(body.expiryTime ? { expiryTime: body.expiryTime } : {}) };
    node.users = [...users, user];
    this.store.saveNode(node);
    const url = `${request.baseUrl}${request.path}/${encodeURIComponent(user.name)}`;
    return empty(201, { DataServiceId: url, Location: url });
  }

  /** PUT replaces what can change (password, key, expiry): an expiry left out goes back to the default. */
  update(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const node = this.find(params.poolId, params.nodeId);
    const body = validateBody(updateUserSchema, parseJsonBody(request.body), 'NodeUpdateUserParameter');
    const user = this.findUser(node, params.userName);
    if (body.expiryTime) user.expiryTime = body.expiryTime;
    else delete user.expiryTime;
    this.store.saveNode(node);
    return empty(200, { DataServiceId: `${request.baseUrl}${request.path}` });
  }

  delete(_request: BatchRequest, params: Record<string, string>): HandlerResult {
    const node = this.find(params.poolId, params.nodeId);
    const user = this.findUser(node, params.userName);
    node.users = (node.users ?? []).filter((existing) => existing !== user);
    this.store.saveNode(node);
    return empty(200);
  }

  private find(poolId: string, nodeId: string): NodeRecord {
    const pool = this.store.getPool(poolId);
    if (!pool) throw ErrorFactory.poolNotFound();
    const node = this.store.getNode(pool.id, nodeId);
    if (!node) throw ErrorFactory.nodeNotFound();
    return node;
  }

  private findUser(node: NodeRecord, name: string): NodeUser {
    const user = node.users?.find((existing) => existing.name.toLowerCase() === name.toLowerCase());
    if (!user) throw ErrorFactory.nodeUserNotFound();
    return user;
  }
}
