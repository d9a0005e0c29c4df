export interface TaskEnvironmentInput {
  accountName: string;
  accountUrl: string;
  poolId: string;
  nodeId: string;
  isDedicated: boolean;
  jobId: string;
  taskId: string;
  nodeRootDir: string;
  taskDir: string;
  workingDir: string;
  sharedDir: string;
  startupDir: string;
  /** The job preparation task's directory on this node, when the job has one. */
  jobPrepDir?: string;
  jobSettings: Array<{ name: string; value?: string }>;
  taskSettings: Array<{ name: string; value?: string }>;
}

/**
 * The environment Batch gives a task on a Linux node: the AZ_BATCH_* variables,
 * then the job's common settings, then the task's own (later ones win). From the
 * host only PATH and HOME pass through, so tasks behave the same on every machine.
 */
export function taskEnvironment(input: TaskEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {};
  if (process.env.PATH) env.PATH = process.env.PATH;
  if (process.env.HOME) env.HOME = process.env.HOME;
  Object.assign(env, {
    AZ_BATCH_ACCOUNT_NAME: input.accountName,
    AZ_BATCH_ACCOUNT_URL: input.accountUrl,
    AZ_BATCH_POOL_ID: input.poolId,
    AZ_BATCH_NODE_ID: input.nodeId,
    AZ_BATCH_NODE_IS_DEDICATED: String(input.isDedicated),
    AZ_BATCH_NODE_ROOT_DIR: input.nodeRootDir,
    AZ_BATCH_NODE_SHARED_DIR: input.sharedDir,
    AZ_BATCH_NODE_STARTUP_DIR: input.startupDir,
    AZ_BATCH_NODE_MOUNTS_DIR: `${input.nodeRootDir}/fsmounts`,
    AZ_BATCH_JOB_ID: input.jobId,
    AZ_BATCH_TASK_ID: input.taskId,
    AZ_BATCH_TASK_DIR: input.taskDir,
    AZ_BATCH_TASK_WORKING_DIR: input.workingDir,
    AZ_BATCH_CERTIFICATES_DIR: `${input.taskDir}/certs`,
    AZ_BATCH_TASK_USER: '_azbatch',
    AZ_BATCH_TASK_USER_IDENTITY: 'PoolNonAdmin',
  });
  if (input.jobPrepDir) {
    env.AZ_BATCH_JOB_PREP_DIR = input.jobPrepDir;
    env.AZ_BATCH_JOB_PREP_WORKING_DIR = `${input.jobPrepDir}/wd`;
  }
  for (const { name, value } of [...input.jobSettings, ...input.taskSettings]) env[name] = value ?? '';
  return env;
}
