import type { TaskRecord } from '../model/types';
import { storeKey } from '../store/store';

type NodeInfo = NonNullable<TaskRecord['nodeInfo']>;
type ContainerInfo = NonNullable<TaskRecord['executionInfo']>['containerInfo'];

const nodeInfoByNode = new Map<string, NodeInfo>();
const containerInfoByImage = new Map<string, ContainerInfo>();

/** One frozen instance per node, held by every task that ran there. */
export function nodeInfoOf(poolId: string, nodeId: string): NodeInfo {
  const key = `${storeKey(poolId)}/${storeKey(nodeId)}`;
  let info = nodeInfoByNode.get(key);
  if (!info) {
    if (nodeInfoByNode.size >= 4096) nodeInfoByNode.clear();
    info = Object.freeze({ poolId, nodeId });
    nodeInfoByNode.set(key, info);
  }
  return info;
}

/** One frozen instance per image: every task of an array would otherwise hold its own copy of the message. */
export function containerNotCreated(image: string): ContainerInfo {
  let info = containerInfoByImage.get(image);
  if (!info) {
    if (containerInfoByImage.size >= 256) containerInfoByImage.clear();
    info = Object.freeze({
      state: 'notcreated',
      error: `No container engine is available to the emulator, so the task ran directly on the host instead of in image '${image}'.`,
    });
    containerInfoByImage.set(image, info);
  }
  return info;
}
