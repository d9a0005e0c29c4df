import type { AccountHandler } from '../handlers/accountHandler';
import type { AdminHandler } from '../handlers/adminHandler';
import type { AutoScaleHandler } from '../handlers/autoScaleHandler';
import type { FileHandler } from '../handlers/fileHandler';
import type { JobHandler } from '../handlers/jobHandler';
import type { NodeHandler } from '../handlers/nodeHandler';
import type { NodeUserHandler } from '../handlers/nodeUserHandler';
import type { PoolHandler } from '../handlers/poolHandler';
import type { TaskHandler } from '../handlers/taskHandler';
import { Router } from './router';

export interface Handlers {
  account: AccountHandler;
  pools: PoolHandler;
  nodes: NodeHandler;
  nodeUsers: NodeUserHandler;
  autoScale: AutoScaleHandler;
  jobs: JobHandler;
  tasks: TaskHandler;
  files: FileHandler;
  admin: AdminHandler;
}

/** Paths of the emulator's own control routes; they need no api-version. */
export const ADMIN_PREFIX = '/emulator/';

/** The Batch REST surface the emulator serves, path for path as in the data-plane spec, and its admin routes. */
export function buildRouter({ account, pools, nodes, nodeUsers, autoScale, jobs, tasks, files, admin }: Handlers): Router {
  return new Router()
    .add('GET', 'emulator/quotas', () => admin.getQuotas())
    .add('PATCH', 'emulator/quotas', (r) => admin.patchQuotas(r))
    .add('POST', 'emulator/pools/{poolId}/preempt', (r, p) => admin.preempt(r, p))
    .add('POST', 'emulator/pools/{poolId}/restorepreempted', (r, p) => admin.restorePreempted(r, p))
    .add('POST', 'emulator/pools/{poolId}/allocationfailure', (r, p) => admin.allocationFailure(r, p))
    .add('POST', 'emulator/pools/{poolId}/completeresize', (r, p) => admin.completeResize(r, p))
    .add('POST', 'emulator/pools/{poolId}/runautoscale', (r, p) => admin.runAutoScale(r, p))

    .add('GET', 'nodecounts', (r) => pools.nodeCounts(r))
    .add('GET', 'supportedimages', (r) => account.supportedImages(r))
    .add('GET', 'poolusagemetrics', (r) => account.poolUsageMetrics(r))
    .add('GET', 'lifetimepoolstats', () => account.lifetimeStatistics())
    .add('GET', 'lifetimejobstats', () => account.lifetimeStatistics())

    .add('POST', 'pools', (r) => pools.add(r))
    .add('GET', 'pools', (r) => pools.list(r))
    .add('GET', 'pools/{poolId}', (r, p) => pools.get(r, p))
    .add('HEAD', 'pools/{poolId}', (r, p) => pools.exists(r, p))
    .add('PATCH', 'pools/{poolId}', (r, p) => pools.patch(r, p))
    .add('DELETE', 'pools/{poolId}', (r, p) => pools.delete(r, p))
    .add('POST', 'pools/{poolId}/resize', (r, p) => pools.resize(r, p))
    .add('POST', 'pools/{poolId}/stopresize', (r, p) => pools.stopResize(r, p))
    .add('POST', 'pools/{poolId}/removenodes', (r, p) => pools.removeNodes(r, p))
    .add('POST', 'pools/{poolId}/enableautoscale', (r, p) => autoScale.enable(r, p))
    .add('POST', 'pools/{poolId}/evaluateautoscale', (r, p) => autoScale.evaluate(r, p))
    .add('POST', 'pools/{poolId}/disableautoscale', (r, p) => autoScale.disable(r, p))
    .add('POST', 'pools/{poolId}/updateproperties', (r, p) => pools.updateProperties(r, p))

    .add('GET', 'pools/{poolId}/nodes', (r, p) => nodes.list(r, p))
    .add('GET', 'pools/{poolId}/nodes/{nodeId}', (r, p) => nodes.get(r, p))
    .add('POST', 'pools/{poolId}/nodes/{nodeId}/disablescheduling', (r, p) => nodes.disableScheduling(r, p))
    .add('POST', 'pools/{poolId}/nodes/{nodeId}/enablescheduling', (r, p) => nodes.enableScheduling(r, p))
    .add('POST', 'pools/{poolId}/nodes/{nodeId}/reboot', (r, p) => nodes.reboot(r, p))
    .add('POST', 'pools/{poolId}/nodes/{nodeId}/reimage', (r, p) => nodes.reimage(r, p))
    .add('POST', 'pools/{poolId}/nodes/{nodeId}/users', (r, p) => nodeUsers.add(r, p))
    .add('PUT', 'pools/{poolId}/nodes/{nodeId}/users/{userName}', (r, p) => nodeUsers.update(r, p))
    .add('DELETE', 'pools/{poolId}/nodes/{nodeId}/users/{userName}', (r, p) => nodeUsers.delete(r, p))
    .add('GET', 'pools/{poolId}/nodes/{nodeId}/files', (r, p) => files.listFromNode(r, p))
    .add('GET', 'pools/{poolId}/nodes/{nodeId}/files/{*filePath}', (r, p) => files.getFromNode(r, p))
    .add('HEAD', 'pools/{poolId}/nodes/{nodeId}/files/{*filePath}', (r, p) => files.getFromNode(r, p))
    .add('DELETE', 'pools/{poolId}/nodes/{nodeId}/files/{*filePath}', (r, p) => files.deleteFromNode(r, p))

    .add('POST', 'jobs', (r) => jobs.add(r))
    .add('GET', 'jobs', (r) => jobs.list(r))
    .add('GET', 'jobs/{jobId}', (r, p) => jobs.get(r, p))
    .add('PATCH', 'jobs/{jobId}', (r, p) => jobs.patch(r, p))
    .add('PUT', 'jobs/{jobId}', (r, p) => jobs.update(r, p))
    .add('DELETE', 'jobs/{jobId}', (r, p) => jobs.delete(r, p))
    .add('POST', 'jobs/{jobId}/disable', (r, p) => jobs.disable(r, p))
    .add('POST', 'jobs/{jobId}/enable', (r, p) => jobs.enable(r, p))
    .add('POST', 'jobs/{jobId}/terminate', (r, p) => jobs.terminate(r, p))
    .add('GET', 'jobs/{jobId}/taskcounts', (r, p) => jobs.taskCounts(r, p))
    .add('GET', 'jobs/{jobId}/jobpreparationandreleasetaskstatus', (r, p) => jobs.preparationAndReleaseStatus(r, p))

    .add('POST', 'jobs/{jobId}/tasks', (r, p) => tasks.add(r, p))
    .add('GET', 'jobs/{jobId}/tasks', (r, p) => tasks.list(r, p))
    .add('POST', 'jobs/{jobId}/addtaskcollection', (r, p) => tasks.addCollection(r, p))
    .add('GET', 'jobs/{jobId}/tasks/{taskId}', (r, p) => tasks.get(r, p))
    .add('PUT', 'jobs/{jobId}/tasks/{taskId}', (r, p) => tasks.update(r, p))
    .add('DELETE', 'jobs/{jobId}/tasks/{taskId}', (r, p) => tasks.delete(r, p))
    .add('POST', 'jobs/{jobId}/tasks/{taskId}/terminate', (r, p) => tasks.terminate(r, p))
    .add('POST', 'jobs/{jobId}/tasks/{taskId}/reactivate', (r, p) => tasks.reactivate(r, p))
    .add('GET', 'jobs/{jobId}/tasks/{taskId}/subtasksinfo', (r, p) => tasks.subtasks(r, p))
    .add('GET', 'jobs/{jobId}/tasks/{taskId}/files', (r, p) => files.listFromTask(r, p))
    .add('GET', 'jobs/{jobId}/tasks/{taskId}/files/{*filePath}', (r, p) => files.getFromTask(r, p))
    .add('HEAD', 'jobs/{jobId}/tasks/{taskId}/files/{*filePath}', (r, p) => files.getFromTask(r, p))
    .add('DELETE', 'jobs/{jobId}/tasks/{taskId}/files/{*filePath}', (r, p) => files.deleteFromTask(r, p));
}
