import { ErrorFactory } from '../errors/errorFactory';
import type { BatchRequest } from '../http/request';
import { empty, json, type HandlerResult } from '../http/result';
import { poolIdOf } from '../model/settings';
import { setJobState, touch } from '../model/transitions';
import type { AccountQuotas } from '../model/quotas';
import type { JobRecord, JsonObject } from '../model/types';
import type { NodeLayout } from '../node/layout';
import { JOB_FILTER, JOB_NODE_TASKS_FILTER } from '../protocol/odataFilter';
import { jobDisableSchema, jobTerminateSchema, schemasFor, type AutoPoolSpecification, type JobAddParameter } from '../protocol/schemas';
import { jobNodeTasksToWire, jobToWire, jobUrl, metadataUrl } from '../protocol/serialize';
import { parseJsonBody, parseOptionalJsonBody, validateBody } from '../protocol/validate';
import { autoPoolSpecificationOf, type AutoPools } from '../scheduler/autoPools';
import type { Scheduler } from '../scheduler/scheduler';
import type { BatchStore } from '../store/store';
import { changed, checkConditions, created, entity } from './common';
import { listPage } from './listing';
import { removeJobFiles } from './nodeFiles';
import { checkResourceFiles } from './taskValidation';
import { timestamp } from '../model/timestamp';

/** Jobs: add, get, list, patch, update, delete, disable, enable, terminate, task counts. */
export class JobHandler {
  constructor(
    private readonly store: BatchStore,
    private readonly scheduler: Scheduler,
    private readonly layout: NodeLayout,
    private readonly quotas: AccountQuotas,
    private readonly autoPools: AutoPools,
  ) {}

  add(request: BatchRequest): HandlerResult {
    const body = validateBody(schemasFor(request.apiVersion).jobAdd, parseJsonBody(request.body), 'JobAddParameter');
    checkPoolInfo(body.poolInfo);
    if (body.jobManagerTask) throw ErrorFactory.unsupportedProperty('jobManagerTask', 'The emulator does not run job manager tasks; add the work as ordinary tasks instead.');
    if (body.jobReleaseTask && !body.jobPreparationTask) throw ErrorFactory.missingRequiredProperty('jobPreparationTask');
    checkResourceFiles(body.jobPreparationTask?.resourceFiles, 'jobPreparationTask.');
    checkResourceFiles(body.jobReleaseTask?.resourceFiles, 'jobReleaseTask.');
    if (this.store.getJob(body.id)) throw ErrorFactory.jobExists();
    const quota = this.quotas.activeJobAndJobScheduleQuota;
    if (this.store.listJobs().filter((existing) => existing.state !== 'completed').length >= quota) throw ErrorFactory.activeJobAndScheduleQuotaReached(quota);
    const now = request.receivedAt;
    const { id, ...spec } = body;
    const job: JobRecord = {
      id,
      spec: spec as JsonObject,
      state: 'active',
      stateTransitionTime: timestamp(now),
      creationTime: timestamp(now),
      lastModified: timestamp(now),
      eTag: '',
      executionInfo: { startTime: timestamp(now), poolId: body.poolInfo.poolId },
      seq: this.store.nextSequence(),
    };
    const schedulingError = this.autoPools.create(job, now);
    if (schedulingError) {
      // As on Batch, a job whose auto pool cannot be made is added, then completed with the reason.
      job.executionInfo.schedulingError = schedulingError;
      job.executionInfo.endTime = timestamp(now);
      setJobState(job, 'completed', now);
    }
    touch(job, now);
    this.store.saveJob(job);
    if (job.state === 'active') this.scheduler.jobAdded(job);
    return created(jobUrl(request.baseUrl, id), job);
  }

  get(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const job = this.find(params.jobId);
    checkConditions(request, job, 'read');
    return entity(request, 'jobs/@Element', jobToWire(job, request.baseUrl), job);
  }

  list(request: BatchRequest): HandlerResult {
    return listPage(request, {
      fragment: 'jobs',
      items: this.store.listJobs().sort((a, b) => a.seq - b.seq),
      positionOf: (job) => job.seq,
      toWire: (job) => jobToWire(job, request.baseUrl),
      filterable: JOB_FILTER,
    });
  }

  terminate(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const job = this.find(params.jobId);
    checkConditions(request, job, 'write');
    const body = validateBody(jobTerminateSchema, parseOptionalJsonBody(request.body), 'JobTerminateParameter');
    assertNotEnding(job);
    this.scheduler.terminateJob(job, body.terminateReason ?? 'UserTerminate', request.receivedAt);
    return changed(202, request, job);
  }

  delete(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const job = this.find(params.jobId);
    checkConditions(request, job, 'write');
    if (job.state === 'deleting') throw ErrorFactory.jobBeingDeleted();
    setJobState(job, 'deleting', request.receivedAt);
    this.store.saveJob(job);
    void this.scheduler.jobDeleted(job).then(async () => {
      const pools = this.store.listPools();
      await removeJobFiles(this.layout, pools.map((pool) => ({ poolId: pool.id, nodeIds: this.store.listNodes(pool.id).map((n) => n.id) })), job.id);
      for (const task of this.store.listTasks(job.id)) this.store.deleteTask(job.id, task.id);
      this.store.deleteJob(job.id);
    });
    return empty(202);
  }

  patch(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const job = this.find(params.jobId);
    checkConditions(request, job, 'write');
    const body = validateBody(schemasFor(request.apiVersion).jobPatch, parseJsonBody(request.body), 'JobPatchParameter');
    this.applyChanges(job, body as JsonObject, false);
    touch(job, request.receivedAt);
    this.store.saveJob(job);
    this.scheduler.jobChanged(job, request.receivedAt);
    return changed(200, request, job);
  }

  update(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const job = this.find(params.jobId);
    checkConditions(request, job, 'write');
    const { id, ...body } = validateBody(schemasFor(request.apiVersion).jobUpdate, parseJsonBody(request.body), 'JobUpdateParameter');
    if (id !== undefined && id.toLowerCase() !== job.id.toLowerCase()) throw ErrorFactory.invalidPropertyValue('id', id, `An update cannot change the job's id (${job.id}).`);
    this.applyChanges(job, body as JsonObject, true);
    touch(job, request.receivedAt);
    this.store.saveJob(job);
    this.scheduler.jobChanged(job, request.receivedAt);
    return changed(200, request, job);
  }

  disable(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const job = this.find(params.jobId);
    checkConditions(request, job, 'write');
    const body = validateBody(jobDisableSchema, parseJsonBody(request.body), 'JobDisableParameter');
    assertNotEnding(job);
    if (job.state === 'disabled' || job.state === 'disabling') throw ErrorFactory.jobDisabled();
    if (job.state !== 'active') throw ErrorFactory.jobNotActive();
    setJobState(job, 'disabling', request.receivedAt);
    this.store.saveJob(job);
    // Batch reports "disabling" until the running tasks have been dealt with.
    void this.scheduler.disableJob(job, body.disableTasks).then(() => {
      const current = this.store.getJob(job.id);
      if (current?.state !== 'disabling') return;
      setJobState(current, 'disabled', new Date());
      this.store.saveJob(current);
    });
    return changed(202, request, job);
  }

  enable(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const job = this.find(params.jobId);
    checkConditions(request, job, 'write');
    assertNotEnding(job);
    if (job.state !== 'disabled' && job.state !== 'disabling') {
      throw ErrorFactory.operationInvalidForCurrentState(`The job is ${job.state}; only a disabled job can be enabled.`);
    }
    setJobState(job, 'active', request.receivedAt);
    this.store.saveJob(job);
    this.scheduler.jobChanged(job, request.receivedAt);
    return changed(202, request, job);
  }

  taskCounts(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const job = this.find(params.jobId);
    const { taskCounts, taskSlotCounts } = this.store.taskCounts(job.id);
    return json(200, { 'odata.metadata': metadataUrl(request.baseUrl, 'taskcounts/@Element'), taskCounts, taskSlotCounts });
  }

  /** Where the job's preparation task ran, and its release task after it, node by node. */
  preparationAndReleaseStatus(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const job = this.find(params.jobId);
    if (!job.spec.jobPreparationTask && !job.spec.jobReleaseTask) throw ErrorFactory.jobPreparationTaskOrReleaseTaskNotSpecified();
    return listPage(request, {
      fragment: 'jobpreparationandreleasetaskstatuslist',
      items: [...(job.nodeTasks ?? [])].sort((a, b) => a.seq - b.seq),
      positionOf: (entry) => entry.seq,
      toWire: (entry) => jobNodeTasksToWire(job, entry, request.baseUrl),
      filterable: JOB_NODE_TASKS_FILTER,
    });
  }

  private find(jobId: string): JobRecord {
    const job = this.store.getJob(jobId);
    if (!job) throw ErrorFactory.jobNotFound();
    return job;
  }

  /** Patch replaces what it names; update (PUT) replaces every updatable property. */
  private applyChanges(job: JobRecord, body: JsonObject, replaceAll: boolean): void {
    if (job.state === 'completed') throw ErrorFactory.jobCompleted();
    if (job.state === 'deleting') throw ErrorFactory.jobBeingDeleted();
    if (job.state === 'terminating') throw ErrorFactory.jobBeingTerminated();
    if (body.onAllTasksComplete === 'noaction' && job.spec.onAllTasksComplete === 'terminatejob') {
      throw ErrorFactory.invalidPropertyValue('onAllTasksComplete', 'noaction', 'Once automatic job termination (terminatejob) is set it cannot be turned off.');
    }
    const poolInfo = body.poolInfo as PoolInfo | undefined;
    if (poolInfo) checkPoolInfo(poolInfo);
    if (poolInfo?.autoPoolSpecification) {
      keepAliveChange(job, poolInfo.autoPoolSpecification);
    } else if (poolInfo) {
      if (poolInfo.poolId!.toLowerCase() !== poolIdOf(job).toLowerCase() && job.state !== 'disabled') {
        throw ErrorFactory.operationInvalidForCurrentState('The pool of a job can be changed only while the job is disabled.');
      }
      job.spec.poolInfo = poolInfo as JsonObject;
      job.executionInfo.poolId = poolInfo.poolId;
    }
    const updatable = ['priority', 'maxParallelTasks', 'allowTaskPreemption', 'constraints', 'metadata', 'onAllTasksComplete', 'networkConfiguration'];
    for (const name of updatable) {
      if (body[name] !== undefined) job.spec[name] = body[name];
      else if (replaceAll && name !== 'onAllTasksComplete' && name !== 'networkConfiguration') delete job.spec[name];
    }
  }
}

type PoolInfo = JobAddParameter['poolInfo'];

/** A job names a pool or describes an auto pool, one of the two. */
function checkPoolInfo(poolInfo: PoolInfo): void {
  if (poolInfo.poolId && poolInfo.autoPoolSpecification) {
    throw ErrorFactory.invalidPropertyValue('poolInfo', 'poolId and autoPoolSpecification', 'Give either poolId or autoPoolSpecification, not both.');
  }
  if (!poolInfo.poolId && !poolInfo.autoPoolSpecification) throw ErrorFactory.missingRequiredProperty('poolInfo.poolId');
  if (poolInfo.autoPoolSpecification?.poolLifetimeOption === 'jobschedule') {
    throw ErrorFactory.invalidPropertyValue(
      'poolInfo.autoPoolSpecification.poolLifetimeOption',
      'jobschedule',
      'A pool whose lifetime is a job schedule belongs to a job schedule; a job added on its own takes poolLifetimeOption job.',
    );
  }
}

/**
 * Of a job's auto pool specification only keepAlive can change after the job is added,
 * as Batch documents for job patch and update; the pool itself stays as it was made.
 */
function keepAliveChange(job: JobRecord, given: AutoPoolSpecification): void {
  const current = autoPoolSpecificationOf(job);
  if (!current) {
    throw ErrorFactory.invalidPropertyValue(
      'poolInfo.autoPoolSpecification',
      JSON.stringify(given),
      'Batch creates an auto pool when the job is added; a job added with a poolId cannot be given one later.',
    );
  }
  job.spec.poolInfo = { autoPoolSpecification: { ...current, keepAlive: given.keepAlive ?? false } as JsonObject };
}

function assertNotEnding(job: JobRecord): void {
  if (job.state === 'completed') throw ErrorFactory.jobCompleted();
  if (job.state === 'terminating') throw ErrorFactory.jobBeingTerminated();
  if (job.state === 'deleting') throw ErrorFactory.jobBeingDeleted();
}
