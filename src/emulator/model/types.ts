/**
 * What the emulator stores. Request bodies are kept as the client sent them
 * (validated) in `spec`; everything the service itself decides sits beside it.
 * Times are ISO 8601 strings so a record round-trips through JSON unchanged.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface NameValue {
  name: string;
  value?: string;
}

export interface PoolRecord {
  id: string;
  spec: JsonObject;
  vmSize: string;
  taskSlotsPerNode: number;
  nodeFillType: 'spread' | 'pack';
  targetDedicatedNodes: number;
  targetLowPriorityNodes: number;
  state: 'active' | 'deleting';
  allocationState: 'steady' | 'resizing' | 'stopping';
  creationTime: string;
  lastModified: string;
  eTag: string;
  stateTransitionTime: string;
  allocationStateTransitionTime: string;
  /** Numbers the next node so node ids stay unique for the pool's lifetime. */
  nodesCreated: number;
  /** Why the last resize got fewer nodes than the targets (quota, failed allocation). */
  resizeErrors?: ResizeError[];
  /** Set by the emulator's admin API or configuration: every allocation fails (AllocationFailed). */
  failAllocation?: boolean;
  /** The last evaluation of the autoscale formula (Batch's AutoScaleRun). */
  autoScaleRun?: AutoScaleRun;
  /** When autoscale was last enabled: Batch refuses another enable within 30 seconds. */
  autoScaleEnabledAt?: string;
}

export interface AutoScaleRun {
  timestamp: string;
  results: string;
  error?: { code: string; message: string; values: NameValue[] };
}

export interface ResizeError {
  code: string;
  message: string;
  values?: NameValue[];
}

export type NodeState = 'creating' | 'starting' | 'idle' | 'running' | 'offline' | 'leavingpool' | 'unusable' | 'rebooting' | 'reimaging' | 'preempted';

export interface NodeRecord {
  poolId: string;
  id: string;
  isDedicated: boolean;
  state: NodeState;
  schedulingState: 'enabled' | 'disabled';
  stateTransitionTime: string;
  allocationTime: string;
  /** Absent until the node first booted (while `creating` or `starting`). */
  lastBootTime?: string;
  totalTasksRun: number;
  totalTasksSucceeded: number;
  ipAddress: string;
  /** Accounts added on the node (ComputeNode_AddUser); their passwords and keys are not kept. */
  users?: NodeUser[];
}

export interface NodeUser {
  name: string;
  isAdmin: boolean;
  expiryTime?: string;
}

export type JobState = 'active' | 'disabling' | 'disabled' | 'enabling' | 'terminating' | 'completed' | 'deleting';

export interface JobRecord {
  id: string;
  spec: JsonObject;
  state: JobState;
  previousState?: JobState;
  stateTransitionTime: string;
  previousStateTransitionTime?: string;
  creationTime: string;
  lastModified: string;
  eTag: string;
  executionInfo: { startTime: string; endTime?: string; poolId?: string; terminateReason?: string; schedulingError?: FailureInfo };
  /** The pool Batch created for this job from poolInfo.autoPoolSpecification. Not on the wire. */
  autoPoolId?: string;
  /** Where the job preparation task ran and how, with the release task that followed (jobpreparationandreleasetaskstatus). */
  nodeTasks?: JobNodeTasks[];
  /** Submission order of jobs; breaks priority ties between jobs. */
  seq: number;
}

/** One run of a job preparation or release task on a node (JobPreparationTaskExecutionInformation and its release twin). */
export interface JobTaskExecution {
  state: 'running' | 'completed';
  startTime: string;
  endTime?: string;
  exitCode?: number;
  result?: 'success' | 'failure';
  failureInfo?: FailureInfo;
  retryCount: number;
  lastRetryTime?: string;
}

export interface JobNodeTasks {
  /** Order of the node's first preparation run in this job; pages the status list. */
  seq: number;
  poolId: string;
  nodeId: string;
  preparation?: JobTaskExecution;
  release?: JobTaskExecution;
}

export type TaskState = 'active' | 'preparing' | 'running' | 'completed';

export interface FailureInfo {
  category: 'usererror' | 'servererror';
  code: string;
  message: string;
  details?: NameValue[];
}

export interface TaskExecutionInfo {
  startTime?: string;
  endTime?: string;
  exitCode?: number;
  result?: 'success' | 'failure';
  failureInfo?: FailureInfo;
  retryCount: number;
  requeueCount: number;
  lastRetryTime?: string;
  lastRequeueTime?: string;
  containerInfo?: { containerId?: string; state?: string; error?: string };
}

export interface TaskRecord {
  jobId: string;
  id: string;
  spec: JsonObject;
  state: TaskState;
  previousState?: TaskState;
  stateTransitionTime: string;
  previousStateTransitionTime?: string;
  creationTime: string;
  lastModified: string;
  eTag: string;
  executionInfo?: TaskExecutionInfo;
  /** Shared by the tasks of one node; the task's root directory follows from its ids (taskRootDirectoryOf). */
  nodeInfo?: { poolId: string; nodeId: string };
  /** Process group of the running attempt, so a restarted emulator can end an orphan. Not on the wire. */
  processGroupId?: number;
  /** Set once retentionTime has passed and the task directory was deleted. Not on the wire. */
  filesCleanedUp?: boolean;
  /** Submission order across the whole account; "then submission order" in scheduling. */
  seq: number;
}
