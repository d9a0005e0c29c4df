import type { PoolSpecification } from '../protocol/schemas';
import type { PoolSettings } from './poolManager';

/** What the emulator acts on in a pool add or an auto pool's specification, with Batch's defaults. */
export function poolSettingsOf(spec: PoolSpecification): PoolSettings {
  return {
    vmSize: spec.vmSize,
    taskSlotsPerNode: spec.taskSlotsPerNode ?? 1,
    nodeFillType: spec.taskSchedulingPolicy?.nodeFillType ?? 'spread',
    targetDedicatedNodes: spec.targetDedicatedNodes ?? 0,
    targetLowPriorityNodes: spec.targetLowPriorityNodes ?? 0,
  };
}
