import { z } from 'zod';
import { isKnownVmSize } from '../model/vmSizes';
import { parseDuration } from './durations';

/**
 * Request bodies as the Batch data-plane spec defines them (2022-10-01.16.0 names).
 * Objects are strict: a property the spec does not define is rejected, naming it.
 * Properties the emulator stores but does not act on are still typed, so a wrong
 * type is reported rather than stored.
 */

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const ID_REASON = 'The id can contain any combination of alphanumeric characters including hyphens and underscores, and cannot contain more than 64 characters.';

const id = z.string().regex(ID_PATTERN, ID_REASON);
const int32 = z.number().int('The value must be an integer.').min(-2147483648).max(2147483647);
const duration = z.string().refine((text) => parseDuration(text) !== undefined, 'The value must be an ISO 8601 duration such as PT1H30M.');
const anyObject = z.record(z.string(), z.unknown());
/** Batch refuses a resize timeout under five minutes (400). */
const resizeTimeout = duration.refine((text) => (parseDuration(text) ?? 0) >= 5 * 60_000, 'The resize timeout must be at least 5 minutes (PT5M).');

/** An enum as Batch reads it: in any letter case (`taskCompletion` is `taskcompletion`), stored in the spec's spelling. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess((value) => (typeof value === 'string' ? (values.find((known) => known.toLowerCase() === value.toLowerCase()) ?? value) : value), z.enum(values));
}

const nameValue = z.strictObject({ name: z.string(), value: z.string().optional() });
const metadataItem = z.strictObject({ name: z.string(), value: z.string() });
const identityReference = z.strictObject({ resourceId: z.string().optional() });

export const resourceFileSchema = z.strictObject({
  autoStorageContainerName: z.string().optional(),
  storageContainerUrl: z.string().optional(),
  httpUrl: z.string().optional(),
  blobPrefix: z.string().optional(),
  filePath: z.string().optional(),
  fileMode: z.string().regex(/^[0-7]{3,4}$/, 'The file mode must be an octal number such as 0755.').optional(),
  identityReference: identityReference.optional(),
});

export type ResourceFile = z.infer<typeof resourceFileSchema>;

export const outputFileSchema = z.strictObject({
  filePattern: z.string().min(1),
  destination: z.strictObject({
    container: z
      .strictObject({
        path: z.string().optional(),
        containerUrl: z.string().url('The containerUrl must be an absolute URL.'),
        identityReference: identityReference.optional(),
        uploadHeaders: z.array(nameValue).optional(),
      })
      .optional(),
  }),
  uploadOptions: z.strictObject({ uploadCondition: oneOf(['tasksuccess', 'taskfailure', 'taskcompletion']) }),
});

const containerSettings = z.strictObject({
  containerRunOptions: z.string().optional(),
  imageName: z.string().min(1),
  registry: z
    .strictObject({
      username: z.string().optional(),
      password: z.string().optional(),
      registryServer: z.string().optional(),
      identityReference: identityReference.optional(),
    })
    .optional(),
  workingDirectory: oneOf(['taskWorkingDirectory', 'containerImageDefault']).optional(),
});

const taskConstraints = z.strictObject({
  maxWallClockTime: duration.optional(),
  retentionTime: duration.optional(),
  maxTaskRetryCount: int32.min(-1, 'The value must be -1 (unlimited) or greater.').optional(),
});

const userIdentity = z.strictObject({
  username: z.string().optional(),
  autoUser: z
    .strictObject({ scope: oneOf(['task', 'pool']).optional(), elevationLevel: oneOf(['nonadmin', 'admin']).optional() })
    .optional(),
});

const exitOptions = z.strictObject({
  jobAction: oneOf(['none', 'disable', 'terminate']).optional(),
  dependencyAction: oneOf(['satisfy', 'block']).optional(),
});

const exitConditions = z.strictObject({
  exitCodes: z.array(z.strictObject({ code: int32, exitOptions })).optional(),
  exitCodeRanges: z.array(z.strictObject({ start: int32, end: int32, exitOptions })).optional(),
  preProcessingError: exitOptions.optional(),
  fileUploadError: exitOptions.optional(),
  default: exitOptions.optional(),
});

const applicationPackageReference = z.strictObject({ applicationId: z.string(), version: z.string().optional() });
const authenticationTokenSettings = z.strictObject({ access: z.array(oneOf(['job'])).optional() });

export const taskAddSchema = z.strictObject({
  id,
  displayName: z.string().max(1024).optional(),
  commandLine: z.string(),
  containerSettings: containerSettings.optional(),
  exitConditions: exitConditions.optional(),
  resourceFiles: z.array(resourceFileSchema).optional(),
  outputFiles: z.array(outputFileSchema).optional(),
  environmentSettings: z.array(nameValue).optional(),
  affinityInfo: z.strictObject({ affinityId: z.string() }).optional(),
  constraints: taskConstraints.optional(),
  requiredSlots: int32.min(1, 'requiredSlots must be at least 1.').optional(),
  userIdentity: userIdentity.optional(),
  multiInstanceSettings: z
    .strictObject({
      numberOfInstances: int32.min(1).optional(),
      coordinationCommandLine: z.string(),
      commonResourceFiles: z.array(resourceFileSchema).optional(),
    })
    .optional(),
  dependsOn: z
    .strictObject({
      taskIds: z.array(z.string()).optional(),
      taskIdRanges: z.array(z.strictObject({ start: int32, end: int32 })).optional(),
    })
    .optional(),
  applicationPackageReferences: z.array(applicationPackageReference).optional(),
  authenticationTokenSettings: authenticationTokenSettings.optional(),
});
export type TaskAddParameter = z.infer<typeof taskAddSchema>;

export const taskAddCollectionSchema = z.strictObject({ value: z.array(z.unknown()) });

const jobConstraints = z.strictObject({
  maxWallClockTime: duration.optional(),
  maxTaskRetryCount: int32.min(-1, 'The value must be -1 (unlimited) or greater.').optional(),
});

const priority = int32.min(-1000, 'The priority must be between -1000 and 1000.').max(1000, 'The priority must be between -1000 and 1000.');
const maxParallelTasks = int32.refine((n) => n === -1 || n > 0, 'maxParallelTasks must be -1 or greater than 0.');

const jobTaskCommon = {
  commandLine: z.string(),
  containerSettings: containerSettings.optional(),
  resourceFiles: z.array(resourceFileSchema).optional(),
  environmentSettings: z.array(nameValue).optional(),
  userIdentity: userIdentity.optional(),
};

/** PoolInformation: a named pool, or an auto pool Batch creates for the job (AutoPoolSpecification). */
function poolInfoFor(poolSpecification: z.ZodType) {
  return z.strictObject({
    poolId: z.string().optional(),
    autoPoolSpecification: z
      .strictObject({
        autoPoolIdPrefix: z
          .string()
          .max(20, 'The autoPoolIdPrefix can be up to 20 characters long.')
          .regex(/^[A-Za-z0-9_-]*$/, 'The autoPoolIdPrefix can contain alphanumeric characters, hyphens and underscores.')
          .optional(),
        poolLifetimeOption: oneOf(['jobschedule', 'job']),
        keepAlive: z.boolean().optional(),
        pool: poolSpecification.optional(),
      })
      .optional(),
  });
}

const jobAddShape = {
  id,
  displayName: z.string().max(1024).optional(),
  priority: priority.optional(),
  maxParallelTasks: maxParallelTasks.optional(),
  allowTaskPreemption: z.boolean().optional(),
  constraints: jobConstraints.optional(),
  jobManagerTask: z
    .strictObject({
      id,
      displayName: z.string().optional(),
      ...jobTaskCommon,
      outputFiles: z.array(outputFileSchema).optional(),
      constraints: taskConstraints.optional(),
      requiredSlots: int32.min(1).optional(),
      killJobOnCompletion: z.boolean().optional(),
      runExclusive: z.boolean().optional(),
      applicationPackageReferences: z.array(applicationPackageReference).optional(),
      authenticationTokenSettings: authenticationTokenSettings.optional(),
      allowLowPriorityNode: z.boolean().optional(),
    })
    .optional(),
  jobPreparationTask: z
    .strictObject({
      id: id.optional(),
      ...jobTaskCommon,
      constraints: taskConstraints.optional(),
      waitForSuccess: z.boolean().optional(),
      rerunOnNodeRebootAfterSuccess: z.boolean().optional(),
    })
    .optional(),
  jobReleaseTask: z
    .strictObject({
      id: id.optional(),
      ...jobTaskCommon,
      maxWallClockTime: duration.refine((text) => (parseDuration(text) ?? 0) <= 15 * 60_000, 'A job release task may run at most 15 minutes (PT15M).').optional(),
      retentionTime: duration.optional(),
    })
    .optional(),
  commonEnvironmentSettings: z.array(nameValue).optional(),
  onAllTasksComplete: oneOf(['noaction', 'terminatejob']).optional(),
  onTaskFailure: oneOf(['noaction', 'performexitoptionsjobaction']).optional(),
  metadata: z.array(metadataItem).optional(),
  usesTaskDependencies: z.boolean().optional(),
  networkConfiguration: z.strictObject({ subnetId: z.string() }).optional(),
};

export const jobTerminateSchema = z.strictObject({ terminateReason: z.string().max(64, 'The terminate reason cannot be longer than 64 characters.').optional() });

const jobPatchShape = {
  priority: priority.optional(),
  maxParallelTasks: maxParallelTasks.optional(),
  allowTaskPreemption: z.boolean().optional(),
  onAllTasksComplete: oneOf(['noaction', 'terminatejob']).optional(),
  constraints: jobConstraints.optional(),
  metadata: z.array(metadataItem).optional(),
};

export const jobDisableSchema = z.strictObject({ disableTasks: oneOf(['requeue', 'terminate', 'wait']) });

export const taskUpdateSchema = z.strictObject({ constraints: taskConstraints.optional() });

/** A pool's start task (StartTask): a task without id, constraints other than retries, or outputs. */
export const startTaskSchema = z.strictObject({
  commandLine: z.string(),
  containerSettings: containerSettings.optional(),
  resourceFiles: z.array(resourceFileSchema).optional(),
  environmentSettings: z.array(nameValue).optional(),
  userIdentity: userIdentity.optional(),
  maxTaskRetryCount: int32.min(-1, 'The value must be -1 (unlimited) or greater.').optional(),
  waitForSuccess: z.boolean().optional(),
});

const certificateReference = z.strictObject({
  thumbprint: z.string().min(1, 'The thumbprint cannot be empty.'),
  thumbprintAlgorithm: z.string().refine((text) => text.toLowerCase() === 'sha1', 'The thumbprint algorithm must be sha1.'),
  storeLocation: oneOf(['currentuser', 'localmachine']).optional(),
  storeName: z.string().optional(),
  visibility: z.array(oneOf(['starttask', 'task', 'remoteuser'])).optional(),
});

const userAccount = z.strictObject({
  name: z.string().min(1, 'The user name cannot be empty.').max(20, 'The user name cannot be longer than 20 characters.'),
  password: z.string(),
  elevationLevel: oneOf(['nonadmin', 'admin']).optional(),
  linuxUserConfiguration: z
    .strictObject({ uid: int32.optional(), gid: int32.optional(), sshPrivateKey: z.string().optional() })
    .refine((linux) => (linux.uid === undefined) === (linux.gid === undefined), 'uid and gid must be given together or not at all.')
    .optional(),
  windowsUserConfiguration: z.strictObject({ loginMode: oneOf(['batch', 'interactive']).optional() }).optional(),
});

const poolCommon = {
  displayName: z.string().max(1024).optional(),
  vmSize: z.string().refine(isKnownVmSize, 'Batch offers no VM size of this name; sizes look like standard_d2s_v3, standard_f4s_v2 or standard_e8s_v3 (case-insensitive).'),
  cloudServiceConfiguration: anyObject.optional(),
  virtualMachineConfiguration: anyObject.optional(),
  resizeTimeout: resizeTimeout.optional(),
  targetDedicatedNodes: int32.min(0).optional(),
  targetLowPriorityNodes: int32.min(0).optional(),
  enableAutoScale: z.boolean().optional(),
  autoScaleFormula: z.string().optional(),
  autoScaleEvaluationInterval: duration.optional(),
  enableInterNodeCommunication: z.boolean().optional(),
  networkConfiguration: anyObject.optional(),
  startTask: startTaskSchema.optional(),
  certificateReferences: z.array(certificateReference).optional(),
  applicationPackageReferences: z.array(applicationPackageReference).optional(),
  applicationLicenses: z.array(z.string()).optional(),
  taskSlotsPerNode: int32.min(1, 'taskSlotsPerNode must be between 1 and 256.').max(256, 'taskSlotsPerNode must be between 1 and 256.').optional(),
  taskSchedulingPolicy: z.strictObject({ nodeFillType: oneOf(['spread', 'pack']) }).optional(),
  userAccounts: z.array(userAccount).optional(),
  metadata: z.array(metadataItem).optional(),
  mountConfiguration: z.array(anyObject).optional(),
  targetNodeCommunicationMode: oneOf(['default', 'classic', 'simplified']).optional(),
};

export const poolAddSchema = z.strictObject({ id, ...poolCommon });
export type PoolAddParameter = z.infer<typeof poolAddSchema>;
/** A pool without an id: what an auto pool is made from (PoolSpecification). */
const poolSpecificationSchema = z.strictObject(poolCommon);
export type PoolSpecification = z.infer<typeof poolSpecificationSchema>;

/** The job schemas for the pool specification an API version defines. */
function jobSchemasFor(poolSpecification: z.ZodType) {
  const poolInfo = poolInfoFor(poolSpecification);
  const jobPatch = z.strictObject({ ...jobPatchShape, poolInfo: poolInfo.optional() });
  // Batch takes the job's own `id` in an update body (the recorded service answered 200); another id is refused.
  return { jobAdd: z.strictObject({ ...jobAddShape, poolInfo }), jobPatch, jobUpdate: jobPatch.extend({ poolInfo, id: z.string().optional() }) };
}

const JOBS_V16 = jobSchemasFor(poolSpecificationSchema);
export const jobAddSchema = JOBS_V16.jobAdd;
export type JobAddParameter = z.infer<typeof jobAddSchema>;
export const jobPatchSchema = JOBS_V16.jobPatch;
export const jobUpdateSchema = JOBS_V16.jobUpdate;
export type AutoPoolSpecification = NonNullable<JobAddParameter['poolInfo']['autoPoolSpecification']>;

export const poolPatchSchema = z.strictObject({
  startTask: startTaskSchema.optional(),
  certificateReferences: z.array(certificateReference).optional(),
  applicationPackageReferences: z.array(applicationPackageReference).optional(),
  metadata: z.array(metadataItem).optional(),
  targetNodeCommunicationMode: oneOf(['default', 'classic', 'simplified']).optional(),
});

export const nodeRemoveSchema = z.strictObject({
  nodeList: z.array(z.string()).min(1, 'nodeList must name at least one node.').max(100, 'A request may remove at most 100 nodes.'),
  resizeTimeout: resizeTimeout.optional(),
  nodeDeallocationOption: oneOf(['requeue', 'terminate', 'taskcompletion', 'retaineddata']).optional(),
});

export const poolResizeSchema = z.strictObject({
  targetDedicatedNodes: int32.min(0).optional(),
  targetLowPriorityNodes: int32.min(0).optional(),
  resizeTimeout: resizeTimeout.optional(),
  nodeDeallocationOption: oneOf(['requeue', 'terminate', 'taskcompletion', 'retaineddata']).optional(),
});

/**
 * Later API versions add request properties; a client speaking one may send them.
 * Anything a version does not define stays an unknown property for that version.
 */
const bindMount = z.strictObject({
  source: oneOf(['Shared', 'Startup', 'VfsMounts', 'Task', 'JobPrep', 'Applications']).optional(),
  isReadOnly: z.boolean().optional(),
});
const containerSettingsV20 = containerSettings.extend({ containerHostBatchBindMounts: z.array(bindMount).optional() });
const jobNetworkV20 = z.strictObject({ subnetId: z.string(), skipWithdrawFromVNet: z.boolean().optional() });
const percent = int32.min(0).max(100);
const upgradePolicy = z.strictObject({
  mode: oneOf(['automatic', 'manual', 'rolling']),
  automaticOSUpgradePolicy: z
    .strictObject({
      disableAutomaticRollback: z.boolean().optional(),
      enableAutomaticOSUpgrade: z.boolean().optional(),
      useRollingUpgradePolicy: z.boolean().optional(),
      osRollingUpgradeDeferral: z.boolean().optional(),
    })
    .optional(),
  rollingUpgradePolicy: z
    .strictObject({
      enableCrossZoneUpgrade: z.boolean().optional(),
      maxBatchInstancePercent: percent.optional(),
      maxUnhealthyInstancePercent: percent.optional(),
      maxUnhealthyUpgradedInstancePercent: percent.optional(),
      pauseTimeBetweenBatches: duration.optional(),
      prioritizeUnhealthyInstances: z.boolean().optional(),
      rollbackFailedInstancesOnPolicyBreach: z.boolean().optional(),
    })
    .optional(),
});
const poolV17 = { resourceTags: z.record(z.string(), z.string()).optional(), upgradePolicy: upgradePolicy.optional() };

export interface RequestSchemas {
  taskAdd: typeof taskAddSchema;
  jobAdd: typeof jobAddSchema;
  jobPatch: typeof jobPatchSchema;
  jobUpdate: typeof jobUpdateSchema;
  poolAdd: typeof poolAddSchema;
}

const BASE: RequestSchemas = { taskAdd: taskAddSchema, jobAdd: jobAddSchema, jobPatch: jobPatchSchema, jobUpdate: jobUpdateSchema, poolAdd: poolAddSchema };
const JOBS_V17 = jobSchemasFor(poolSpecificationSchema.extend(poolV17));
const V17: RequestSchemas = {
  ...BASE,
  poolAdd: poolAddSchema.extend(poolV17) as unknown as typeof poolAddSchema,
  jobAdd: JOBS_V17.jobAdd as unknown as typeof jobAddSchema,
  jobPatch: JOBS_V17.jobPatch as unknown as typeof jobPatchSchema,
  jobUpdate: JOBS_V17.jobUpdate as unknown as typeof jobUpdateSchema,
};
const V20: RequestSchemas = {
  ...V17,
  taskAdd: taskAddSchema.extend({ containerSettings: containerSettingsV20.optional() }) as unknown as typeof taskAddSchema,
  jobAdd: JOBS_V17.jobAdd.extend({ networkConfiguration: jobNetworkV20.optional() }) as unknown as typeof jobAddSchema,
};
const V2025: RequestSchemas = {
  ...V20,
  jobPatch: JOBS_V17.jobPatch.extend({ networkConfiguration: jobNetworkV20.optional() }) as unknown as typeof jobPatchSchema,
  jobUpdate: JOBS_V17.jobUpdate.extend({ networkConfiguration: jobNetworkV20.optional() }) as unknown as typeof jobUpdateSchema,
};

export function schemasFor(version: string): RequestSchemas {
  if (version >= '2025-06-01') return V2025;
  if (version >= '2024-07-01') return V20;
  if (version >= '2023-05-01') return V17;
  return BASE;
}
