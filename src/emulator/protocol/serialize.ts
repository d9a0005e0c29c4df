import type { JobNodeTasks, JobRecord, JobTaskExecution, JsonObject, PoolRecord, TaskRecord } from '../model/types';
import { effectiveConstraints, preparationTaskOf, releaseTaskOf } from '../model/settings';
import { UNLIMITED_DURATION } from './durations';
import { taskRootDirectoryOf } from '../node/layout';

/**
 * Stored records → the JSON the Batch service returns, with the defaults Batch
 * fills in (priority 0, constraints, userIdentity …) and the URLs it derives.
 */

const clean = (object: Record<string, unknown>): JsonObject => {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object as JsonObject;
};

export const metadataUrl = (baseUrl: string, fragment: string): string => `${baseUrl}/$metadata#${fragment}`;

export function jobUrl(baseUrl: string, jobId: string): string {
  return `${baseUrl}/jobs/${encodeURIComponent(jobId)}`;
}
export function taskUrl(baseUrl: string, jobId: string, taskId: string): string {
  return `${jobUrl(baseUrl, jobId)}/tasks/${encodeURIComponent(taskId)}`;
}
export function poolUrl(baseUrl: string, poolId: string): string {
  return `${baseUrl}/pools/${encodeURIComponent(poolId)}`;
}
export function nodeUrl(baseUrl: string, poolId: string, nodeId: string): string {
  return `${poolUrl(baseUrl, poolId)}/nodes/${encodeURIComponent(nodeId)}`;
}
export const affinityIdOf = (nodeId: string): string => `TVM:${nodeId}`;

export function jobToWire(job: JobRecord, baseUrl: string): JsonObject {
  const spec = job.spec;
  const constraints = (spec.constraints as JsonObject | undefined) ?? {};
  return clean({
    id: job.id,
    displayName: spec.displayName,
    usesTaskDependencies: spec.usesTaskDependencies ?? false,
    url: jobUrl(baseUrl, job.id),
    eTag: job.eTag,
    lastModified: job.lastModified,
    creationTime: job.creationTime,
    state: job.state,
    stateTransitionTime: job.stateTransitionTime,
    previousState: job.previousState,
    previousStateTransitionTime: job.previousStateTransitionTime,
    priority: spec.priority ?? 0,
    allowTaskPreemption: spec.allowTaskPreemption ?? false,
    maxParallelTasks: spec.maxParallelTasks ?? -1,
    constraints: { maxWallClockTime: constraints.maxWallClockTime ?? UNLIMITED_DURATION, maxTaskRetryCount: constraints.maxTaskRetryCount ?? 0 },
    jobManagerTask: spec.jobManagerTask,
    jobPreparationTask: preparationTaskToWire(job),
    jobReleaseTask: releaseTaskToWire(job),
    commonEnvironmentSettings: spec.commonEnvironmentSettings,
    poolInfo: poolInfoToWire(spec.poolInfo as JsonObject),
    onAllTasksComplete: spec.onAllTasksComplete ?? 'noaction',
    onTaskFailure: spec.onTaskFailure ?? 'noaction',
    networkConfiguration: spec.networkConfiguration,
    metadata: spec.metadata,
    executionInfo: clean({ ...job.executionInfo, poolId: job.executionInfo.poolId }),
  });
}

const DEFAULT_USER_IDENTITY = { autoUser: { scope: 'pool', elevationLevel: 'nonadmin' } };

/** The job preparation task with the defaults Batch reports (id, constraints, waitForSuccess …). */
function preparationTaskToWire(job: JobRecord): JsonObject | undefined {
  const settings = preparationTaskOf(job);
  if (!settings) return undefined;
  const spec = job.spec.jobPreparationTask as JsonObject;
  return clean({
    ...spec,
    id: settings.id,
    constraints: { maxWallClockTime: settings.maxWallClockTime, retentionTime: settings.retentionTime, maxTaskRetryCount: settings.maxTaskRetryCount },
    userIdentity: spec.userIdentity ?? DEFAULT_USER_IDENTITY,
    waitForSuccess: settings.waitForSuccess,
    rerunOnNodeRebootAfterSuccess: settings.rerunOnNodeRebootAfterSuccess,
  });
}

function releaseTaskToWire(job: JobRecord): JsonObject | undefined {
  const settings = releaseTaskOf(job);
  if (!settings) return undefined;
  const spec = job.spec.jobReleaseTask as JsonObject;
  return clean({
    ...spec,
    id: settings.id,
    maxWallClockTime: settings.maxWallClockTime,
    retentionTime: settings.retentionTime,
    userIdentity: spec.userIdentity ?? DEFAULT_USER_IDENTITY,
  });
}

/** One node's entry of jobpreparationandreleasetaskstatus. */
export function jobNodeTasksToWire(job: JobRecord, entry: JobNodeTasks, baseUrl: string): JsonObject {
  const node = nodeUrl(baseUrl, entry.poolId, entry.nodeId);
  const run = (execution: JobTaskExecution | undefined, taskId: string | undefined, withRetries: boolean): JsonObject | undefined => {
    if (!execution || !taskId) return undefined;
    const root = taskRootDirectoryOf(job.id, taskId);
    const { retryCount, lastRetryTime, ...rest } = execution;
    return clean({
      ...rest,
      taskRootDirectory: root,
      taskRootDirectoryUrl: `${node}/files/${root}`,
      ...(withRetries ? { retryCount, lastRetryTime } : {}),
    } as Record<string, unknown>);
  };
  return clean({
    poolId: entry.poolId,
    nodeId: entry.nodeId,
    nodeUrl: node,
    jobPreparationTaskExecutionInfo: run(entry.preparation, preparationTaskOf(job)?.id, true),
    jobReleaseTaskExecutionInfo: run(entry.release, releaseTaskOf(job)?.id, false),
  });
}

/** A job's poolInfo; an auto pool's specification with the defaults Batch reports for it. */
function poolInfoToWire(poolInfo: JsonObject): JsonObject {
  const auto = poolInfo.autoPoolSpecification as JsonObject | undefined;
  if (!auto) return poolInfo;
  const pool = auto.pool as JsonObject | undefined;
  return {
    autoPoolSpecification: clean({
      autoPoolIdPrefix: auto.autoPoolIdPrefix,
      poolLifetimeOption: auto.poolLifetimeOption,
      keepAlive: auto.keepAlive ?? false,
      pool: pool && {
        taskSlotsPerNode: 1,
        taskSchedulingPolicy: { nodeFillType: 'spread' },
        resizeTimeout: 'PT15M',
        targetDedicatedNodes: 0,
        targetLowPriorityNodes: 0,
        enableAutoScale: false,
        enableInterNodeCommunication: false,
        ...pool,
      },
    }),
  };
}

export function taskToWire(task: TaskRecord, job: JobRecord | undefined, baseUrl: string): JsonObject {
  const spec = task.spec;
  const constraints = effectiveConstraints(task, job);
  const node = task.nodeInfo;
  return clean({
    id: task.id,
    displayName: spec.displayName,
    url: taskUrl(baseUrl, task.jobId, task.id),
    eTag: task.eTag,
    creationTime: task.creationTime,
    lastModified: task.lastModified,
    exitConditions: spec.exitConditions,
    state: task.state,
    stateTransitionTime: task.stateTransitionTime,
    previousState: task.previousState,
    previousStateTransitionTime: task.previousStateTransitionTime,
    commandLine: spec.commandLine,
    containerSettings: spec.containerSettings,
    resourceFiles: spec.resourceFiles,
    outputFiles: spec.outputFiles,
    environmentSettings: spec.environmentSettings,
    affinityInfo: spec.affinityInfo,
    constraints: { maxWallClockTime: constraints.maxWallClockTime, retentionTime: constraints.retentionTime, maxTaskRetryCount: constraints.maxTaskRetryCount },
    requiredSlots: spec.requiredSlots ?? 1,
    userIdentity: spec.userIdentity ?? DEFAULT_USER_IDENTITY,
    executionInfo: clean({ retryCount: 0, requeueCount: 0, ...task.executionInfo }),
    nodeInfo: node
      ? {
          affinityId: affinityIdOf(node.nodeId),
          nodeUrl: nodeUrl(baseUrl, node.poolId, node.nodeId),
          poolId: node.poolId,
          nodeId: node.nodeId,
          taskRootDirectory: taskRootDirectoryOf(task.jobId, task.id),
          taskRootDirectoryUrl: `${nodeUrl(baseUrl, node.poolId, node.nodeId)}/files/${taskRootDirectoryOf(task.jobId, task.id)}`,
        }
      : undefined,
    multiInstanceSettings: spec.multiInstanceSettings,
    dependsOn: spec.dependsOn,
    applicationPackageReferences: spec.applicationPackageReferences,
    authenticationTokenSettings: spec.authenticationTokenSettings,
  });
}

/**
 * What a task `$filter` can name (TASK_FILTER), valued as in taskToWire, without
 * building the whole entity: a filtered list of a 100,000-task job tests every task.
 */
export function taskFilterView(task: TaskRecord): JsonObject {
  const spec = task.spec;
  // An absent property and an undefined one read alike in a filter, so nothing is cleaned here.
  return {
    id: task.id,
    displayName: spec.displayName,
    commandLine: spec.commandLine,
    state: task.state,
    previousState: task.previousState,
    creationTime: task.creationTime,
    lastModified: task.lastModified,
    stateTransitionTime: task.stateTransitionTime,
    previousStateTransitionTime: task.previousStateTransitionTime,
    requiredSlots: spec.requiredSlots ?? 1,
    executionInfo: task.executionInfo ?? notStarted,
    nodeInfo: task.nodeInfo,
  } as JsonObject;
}

const notStarted = { retryCount: 0, requeueCount: 0 };

export function poolToWire(pool: PoolRecord, currentNodes: { dedicated: number; lowPriority: number; booted: number }, baseUrl: string): JsonObject {
  const spec = pool.spec;
  const packages = spec.applicationPackageReferences as JsonObject[] | undefined;
  return clean({
    id: pool.id,
    displayName: spec.displayName,
    url: poolUrl(baseUrl, pool.id),
    eTag: pool.eTag,
    lastModified: pool.lastModified,
    creationTime: pool.creationTime,
    state: pool.state,
    stateTransitionTime: pool.stateTransitionTime,
    allocationState: pool.allocationState,
    allocationStateTransitionTime: pool.allocationStateTransitionTime,
    vmSize: pool.vmSize,
    virtualMachineConfiguration: spec.virtualMachineConfiguration,
    cloudServiceConfiguration: spec.cloudServiceConfiguration,
    resizeTimeout: spec.resizeTimeout ?? 'PT15M',
    resizeErrors: pool.resizeErrors as JsonObject[] | undefined,
    currentDedicatedNodes: currentNodes.dedicated,
    currentLowPriorityNodes: currentNodes.lowPriority,
    targetDedicatedNodes: pool.targetDedicatedNodes,
    targetLowPriorityNodes: pool.targetLowPriorityNodes,
    enableAutoScale: spec.enableAutoScale ?? false,
    autoScaleFormula: spec.autoScaleFormula,
    autoScaleEvaluationInterval: spec.enableAutoScale === true ? (spec.autoScaleEvaluationInterval ?? 'PT15M') : undefined,
    autoScaleRun: pool.autoScaleRun as JsonObject | undefined,
    enableInterNodeCommunication: spec.enableInterNodeCommunication ?? false,
    networkConfiguration: spec.networkConfiguration,
    startTask: spec.startTask,
    certificateReferences: spec.certificateReferences,
    // Batch leaves out an empty package list (but shows an empty certificate list it was given).
    applicationPackageReferences: packages?.length ? packages : undefined,
    applicationLicenses: spec.applicationLicenses,
    taskSlotsPerNode: pool.taskSlotsPerNode,
    taskSchedulingPolicy: { nodeFillType: pool.nodeFillType },
    userAccounts: spec.userAccounts,
    metadata: spec.metadata,
    mountConfiguration: spec.mountConfiguration,
    targetNodeCommunicationMode: spec.targetNodeCommunicationMode,
    // The mode the pool's nodes use: there is none until one of them has booted.
    currentNodeCommunicationMode: currentNodes.booted > 0 ? 'simplified' : undefined,
    resourceTags: spec.resourceTags,
    upgradePolicy: spec.upgradePolicy,
  });
}
