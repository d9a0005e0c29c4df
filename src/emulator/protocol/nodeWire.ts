import type { JsonObject, NodeRecord, PoolRecord } from '../model/types';
import type { ApiVersion } from './apiVersion';
import { affinityIdOf, nodeUrl } from './serialize';

/** What a marketplace image's `latest` resolves to on the emulator's nodes. */
const LATEST_IMAGE_VERSION = '1.0.0';

/** A compute node as Batch returns it; what a node reports depends on how far it has booted and on the API version. */
export function nodeToWire(node: NodeRecord, pool: PoolRecord, running: { tasks: number; slots: number }, baseUrl: string, apiVersion: ApiVersion): JsonObject {
  const booted = node.lastBootTime !== undefined;
  const wire: Record<string, unknown> = {
    id: node.id,
    url: nodeUrl(baseUrl, node.poolId, node.id),
    state: node.state,
    schedulingState: node.schedulingState,
    stateTransitionTime: node.stateTransitionTime,
    lastBootTime: node.lastBootTime,
    allocationTime: node.allocationTime,
    ipAddress: node.ipAddress,
    affinityId: affinityIdOf(node.id),
    vmSize: pool.vmSize,
    totalTasksRun: node.totalTasksRun,
    runningTasksCount: running.tasks,
    runningTaskSlotsCount: running.slots,
    totalTasksSucceeded: node.totalTasksSucceeded,
    // Certificates on nodes went with the API version that retired them (2024-07-01.20.0).
    certificateReferences: booted && apiVersion < '2024-07-01' ? (pool.spec.certificateReferences ?? []) : undefined,
    isDedicated: node.isDedicated,
    endpointConfiguration: { inboundEndpoints: [] },
    nodeAgentInfo: booted ? { version: 'emulator', lastUpdateTime: node.lastBootTime } : undefined,
    virtualMachineInfo: virtualMachineInfoOf(pool),
  };
  for (const key of Object.keys(wire)) if (wire[key] === undefined) delete wire[key];
  return wire as JsonObject;
}

/** The image the node runs, as the pool named it, with the version `latest` resolved to; empty for other pools. */
function virtualMachineInfoOf(pool: PoolRecord): JsonObject {
  const configuration = pool.spec.virtualMachineConfiguration as { imageReference?: JsonObject } | undefined;
  const image = configuration?.imageReference;
  if (!image) return {};
  if (typeof image.virtualMachineImageId === 'string') return { imageReference: { ...image, exactVersion: LATEST_IMAGE_VERSION } };
  const version = typeof image.version === 'string' ? image.version : 'latest';
  return { imageReference: { ...image, version, exactVersion: version.toLowerCase() === 'latest' ? LATEST_IMAGE_VERSION : version } };
}
