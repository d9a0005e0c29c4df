import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { evaluationFileName, inputBlobName, resultFileName, singleJobTaskId, taskOutputPath } from '../model/conventions';
import type { SingleJobInput, SingleJobState, TaskObservation } from '../model/jobSpec';
import { clientTerminationReason, outcomeOfTask } from '../model/outcome';
import { batchPriority, processorCountVariable, validateSettings } from '../model/settings';
import { defaultExportName, scriptArgsFileName, scriptBundleFileName, scriptCommandLine } from '../model/scriptJob';
import { abortSignal, abortUpdate, stateQuery } from './messages';
import { azureJobIdKey, environmentKey, jobStatusKey, jobTypeKey, poolIdKey } from '../model/searchAttributes';

const nonRetryableErrorTypes = ['InvalidInput', 'PoolNotFound', 'JobExists', 'ConnectionNotFoundError', 'ConnectionsFileError'];

const azure = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes },
});

const watcher = proxyActivities<Activities>({
  startToCloseTimeout: '30 days',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes },
});

/** One Azure job with one task: inputs → job → task → watch → outcome. */
export async function singleJob(input: SingleJobInput): Promise<SingleJobState> {
  const settings = validateInput(input);
  const { connection, poolId } = input.environment;
  // Clients in other languages may leave jobId out: the workflow id is the Azure job id then.
  const jobId = input.jobId ?? workflowInfo().workflowId;
  const taskId = singleJobTaskId;
  const inputNames = input.inputs.map((file) => file.name);

  const { containerImage, jobPriority, vcpuCount, timeConstraint } = settings;
  const state: SingleJobState = {
    jobId,
    taskId,
    poolId,
    status: 'Active',
    submittedAt: input.submittedAt,
    inputNames,
    settings: { containerImage, jobPriority, vcpuCount, ...(timeConstraint !== undefined ? { timeConstraint } : {}) },
  };
  let abortReason: string | undefined;
  let azureJobCreated = false;
  let finished = false;

  const publish = (details: string) => {
    upsertMemo({ state });
    upsertSearchAttributes([
      { key: jobStatusKey, value: state.status },
      { key: jobTypeKey, value: 'Single' },
      { key: poolIdKey, value: poolId },
      { key: azureJobIdKey, value: jobId },
      { key: environmentKey, value: `${connection}/${poolId}` },
    ]);
    setCurrentDetails(
      `**${state.status}** — Azure job \`${jobId}\`, task \`${taskId}\` on pool \`${poolId}\`\n\n${details}` +
        (state.statusReason ? `\n\nReason: ${state.statusReason}` : ''),
    );
  };
  const finish = (outcome: Pick<SingleJobState, 'status' | 'statusReason' | 'exitCode'>, task?: TaskObservation) => {
    Object.assign(state, outcome);
    state.startedAt = task?.startTime ?? state.startedAt;
    state.completedAt = task?.endTime ?? new Date().toISOString();
    finished = true;
    publish('The job has ended.');
    return state;
  };

  setHandler(stateQuery, () => state);
  setHandler(abortSignal, (reason) => {
    abortReason ??= reason || 'no reason given';
  });
  setHandler(
    abortUpdate,
    async (reason) => {
      abortReason ??= reason || 'no reason given';
      await condition(() => finished);
      return state;
    },
    { validator: (reason) => validateReason(reason) },
  );

  publish('Waiting to be scheduled on a compute node.');
  try {
    const pool = await azure.getPoolFacts(connection, poolId);
    if (settings.vcpuCount > pool.taskSlotsPerNode) {
      return finish({
        status: 'Failed',
        statusReason: `VCPUCount ${settings.vcpuCount} is more than the ${pool.taskSlotsPerNode} task slots per node of pool '${poolId}'; the task could never be scheduled.`,
      });
    }
    const inlineInputs = input.inputs.flatMap((file) => ('content' in file ? [{ blob: inputBlobName(file.name), content: file.content }] : []));
    if (input.body.kind === 'script') {
      inlineInputs.push({ blob: inputBlobName(scriptArgsFileName), content: JSON.stringify(input.body.args) });
    }
    await azure.uploadJobInputs({ connection, jobId, files: inlineInputs });

    if (abortReason !== undefined) return finish({ status: 'Failed', statusReason: clientTerminationReason(abortReason) });
    await azure.createAzureJob({ connection, jobId, poolId, priority: batchPriority(settings.jobPriority), workflowId: workflowInfo().workflowId, endsWithTasks: true });
    azureJobCreated = true;

    const inputBlobs = input.inputs.map((file) => ({ name: file.name, blob: 'blob' in file ? file.blob : inputBlobName(file.name) }));
    if (input.body.kind === 'script') {
      inputBlobs.push({ name: scriptBundleFileName, blob: input.body.bundleBlob });
      inputBlobs.push({ name: scriptArgsFileName, blob: inputBlobName(scriptArgsFileName) });
    }
    await azure.addJobTask({
      connection,
      jobId,
      taskId,
      commandLine: input.body.kind === 'script' ? scriptCommandLine(input.body.exportName ?? defaultExportName) : input.body.commandLine,
      requiredSlots: settings.vcpuCount,
      containerImage: settings.containerImage,
      inputBlobs,
      environment: { ...settings.environmentVariables, [processorCountVariable]: String(settings.vcpuCount) },
      maxWallClockSeconds: settings.timeConstraint,
    });
  } catch (error) {
    const failure = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : undefined;
    if (!failure?.nonRetryable || azureJobCreated) throw error;
    return finish({ status: 'Failed', statusReason: failure.message });
  }

  const started = await unlessAborted(() => watcher.waitForTaskState({ connection, jobId, taskId, until: 'started' }));
  if (started !== 'aborted' && started.state !== 'completed') {
    state.status = 'Running';
    state.startedAt = started.startTime;
    publish('The task is running on a compute node.');
  }
  const ended =
    started !== 'aborted' && started.state === 'completed'
      ? started
      : started === 'aborted'
        ? 'aborted'
        : await unlessAborted(() => watcher.waitForTaskState({ connection, jobId, taskId, until: 'completed' }));

  if (ended === 'aborted') {
    const reason = abortReason ?? 'no reason given';
    await azure.terminateAzureJob({ connection, jobId, reason: clientTerminationReason(reason) });
    const task = await watcher.waitForTaskState({ connection, jobId, taskId, until: 'jobEnded' });
    return finish(outcomeOfTask(task, reason), task);
  }

  state.hasResult = await azure.blobExists({ connection, jobId, blob: taskOutputPath(taskId, resultFileName) });
  const outcome = outcomeOfTask(ended);
  if (outcome.status === 'Failed' && input.body.kind === 'script') {
    const scriptError = await azure.readEvaluationError({ connection, jobId, blob: taskOutputPath(taskId, evaluationFileName) });
    if (scriptError) outcome.statusReason = `${outcome.statusReason} ${scriptError}`;
  }
  return finish(outcome, ended);

  async function unlessAborted<T>(work: () => Promise<T>): Promise<T | 'aborted'> {
    const scope = new CancellationScope();
    const running = scope.run(work);
    const aborted = condition(() => abortReason !== undefined).then(() => 'aborted' as const);
    const first = await Promise.race([running, aborted]);
    if (first === 'aborted') {
      scope.cancel();
      await running.catch((error) => {
        if (!isCancellation(error)) throw error;
      });
    }
    return first;
  }
}

function validateReason(reason: unknown): void {
  if (typeof reason !== 'string' || reason.length > 1000) {
    throw new TypeError('abort reason must be a string of at most 1000 characters.');
  }
}

function validateInput(input: SingleJobInput) {
  const problem = (message: string) => ApplicationFailure.create({ message, type: 'InvalidInput', nonRetryable: true });
  if (!input || typeof input !== 'object') throw problem('singleJob takes one JSON object; see schema/singleJob.input.json.');
  if (typeof input.environment?.poolId !== 'string' || input.environment.poolId === '') {
    throw problem('PoolID is required: environment.poolId must be a non-empty string.');
  }
  if (typeof input.environment.connection !== 'string' || input.environment.connection === '') {
    throw problem('environment.connection must name a connection the worker knows (e.g. "local").');
  }
  const jobId = input.jobId ?? workflowInfo().workflowId;
  if (typeof jobId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(jobId)) {
    throw problem('jobId (or, without one, the workflow id) must be 1 to 64 letters, digits, hyphens or underscores: it becomes the Azure job id.');
  }
  if (input.body?.kind !== 'script' && input.body?.kind !== 'command') throw problem("body.kind must be 'script' or 'command'.");
  if (input.body.kind === 'command' && (typeof input.body.commandLine !== 'string' || input.body.commandLine.trim() === '')) {
    throw problem('body.commandLine must be a non-empty command line.');
  }
  if (!Array.isArray(input.inputs)) input.inputs = [];
  try {
    return validateSettings((input.settings ?? {}) as unknown as Record<string, unknown>);
  } catch (error) {
    throw problem((error as Error).message);
  }
}
