import { ErrorFactory } from '../errors/errorFactory';
import type { BatchRequest } from '../http/request';
import { empty, json, type HandlerResult } from '../http/result';
import { executionInfoOf, setTaskState, touch } from '../model/transitions';
import type { JobRecord, JsonObject, TaskRecord } from '../model/types';
import { type NodeLayout, removeTaskFiles } from '../node/layout';
import { TASK_FILTER } from '../protocol/odataFilter';
import { taskAddCollectionSchema, taskUpdateSchema, type TaskAddParameter } from '../protocol/schemas';
import { metadataUrl, taskFilterView, taskToWire, taskUrl } from '../protocol/serialize';
import { parseJsonBody, validateBody } from '../protocol/validate';
import type { Scheduler } from '../scheduler/scheduler';
import { storeKey, type BatchStore } from '../store/store';
import { changed, checkConditions, created, entity, versioned } from './common';
import { listPage } from './listing';
import { taskErrorBody, validateTask } from './taskValidation';
import { timestamp } from '../model/timestamp';

export const MAX_TASKS_PER_COLLECTION = 100;

/** Tasks: add, add collection, get, list, update, delete, terminate, reactivate. */
export class TaskHandler {
  constructor(
    private readonly store: BatchStore,
    private readonly scheduler: Scheduler,
    private readonly layout: NodeLayout,
  ) {}

  add(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const job = this.jobAcceptingTasks(params.jobId);
    const spec = validateTask(parseJsonBody(request.body), job, request.apiVersion);
    if (this.store.getTask(job.id, spec.id)) throw ErrorFactory.taskExists();
    const task = this.insert(job, spec, request.receivedAt);
    return created(taskUrl(request.baseUrl, job.id, task.id), task);
  }

  /** Each task succeeds or fails on its own; the answer lists a result per task. */
  addCollection(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const body = validateBody(taskAddCollectionSchema, parseJsonBody(request.body), 'TaskAddCollectionParameter');
    if (body.value.length > MAX_TASKS_PER_COLLECTION) throw ErrorFactory.tooManyTasksInCollection(body.value.length);
    const job = this.jobAcceptingTasks(params.jobId);
    const seen = new Set<string>();
    const results = body.value.map((value, index) => {
      const taskId = typeof (value as { id?: unknown })?.id === 'string' ? (value as { id: string }).id : `value[${index}]`;
      try {
        const spec = validateTask(value, job, request.apiVersion);
        if (seen.has(storeKey(spec.id)) || this.store.getTask(job.id, spec.id)) throw ErrorFactory.taskExists();
        seen.add(storeKey(spec.id));
        return { spec };
      } catch (error) {
        return { taskId, error };
      }
    });
    const value = results.map((result) => {
      if ('error' in result) return { status: 'clienterror', taskId: result.taskId, error: taskErrorBody(result.error) };
      const task = this.insert(job, result.spec, request.receivedAt);
      return { status: 'success', taskId: task.id, eTag: task.eTag, lastModified: task.lastModified, location: taskUrl(request.baseUrl, job.id, task.id) };
    });
    return json(200, { 'odata.metadata': metadataUrl(request.baseUrl, 'taskaddresult'), value });
  }

  get(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const { job, task } = this.find(params.jobId, params.taskId);
    checkConditions(request, task, 'read');
    return entity(request, 'tasks/@Element', taskToWire(task, job, request.baseUrl), task);
  }

  list(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const job = this.findJob(params.jobId);
    const store = this.store;
    return listPage(request, {
      fragment: 'tasks',
      get items() {
        return store.listTasks(job.id);
      },
      positionOf: (task) => task.seq,
      toWire: (task) => taskToWire(task, job, request.baseUrl),
      filterable: TASK_FILTER,
      filterView: taskFilterView,
      // "What changed since T" reads the transition index, not every task of the job.
      candidates: (filter) => {
        const bound = filter.lowerBound('stateTransitionTime');
        return bound ? store.listTasksChangedSince(job.id, bound.value as string, bound.inclusive) : undefined;
      },
    });
  }

  update(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const { task } = this.find(params.jobId, params.taskId);
    checkConditions(request, task, 'write');
    const body = validateBody(taskUpdateSchema, parseJsonBody(request.body), 'TaskUpdateParameter');
    if (task.state === 'completed') throw ErrorFactory.taskCompleted();
    if (body.constraints) task.spec.constraints = body.constraints as JsonObject;
    else delete task.spec.constraints;
    touch(task, request.receivedAt);
    this.store.saveTask(task);
    return changed(200, request, task);
  }

  delete(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const { task } = this.find(params.jobId, params.taskId);
    checkConditions(request, task, 'write');
    this.store.deleteTask(task.jobId, task.id);
    this.scheduler.taskDeleted(task, request.receivedAt);
    if (task.nodeInfo) {
      const dir = this.layout.taskDir(task.nodeInfo.poolId, task.nodeInfo.nodeId, task.jobId, task.id);
      // The process may still be stopping; remove the directory once it is gone, unless a task added again under the same id (a rerun) owns it by then.
      setTimeout(() => {
        if (!this.store.getTask(task.jobId, task.id)) void removeTaskFiles(dir);
      }, 200).unref();
    }
    return empty(200);
  }

  terminate(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const { task } = this.find(params.jobId, params.taskId);
    checkConditions(request, task, 'write');
    if (task.state === 'completed') throw ErrorFactory.taskCompleted();
    this.scheduler.terminateTask(task, request.receivedAt);
    return changed(204, request, task);
  }

  reactivate(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const { job, task } = this.find(params.jobId, params.taskId);
    checkConditions(request, task, 'write');
    if (job.state === 'completed') throw ErrorFactory.jobCompleted();
    if (job.state === 'terminating') throw ErrorFactory.jobBeingTerminated();
    if (job.state === 'deleting') throw ErrorFactory.jobBeingDeleted();
    if (task.state !== 'completed' || task.executionInfo?.result !== 'failure') {
      throw ErrorFactory.operationInvalidForCurrentState('Only a task that completed with a failure can be reactivated.');
    }
    const info = executionInfoOf(task);
    task.executionInfo = { retryCount: 0, requeueCount: info.requeueCount, lastRequeueTime: info.lastRequeueTime };
    setTaskState(task, 'active', request.receivedAt);
    this.store.saveTask(task);
    this.scheduler.reactivated(task);
    return versioned(204, task);
  }

  subtasks(request: BatchRequest, params: Record<string, string>): HandlerResult {
    this.find(params.jobId, params.taskId);
    return json(200, { 'odata.metadata': metadataUrl(request.baseUrl, 'subtaskinformations'), value: [] });
  }

  private insert(job: JobRecord, spec: TaskAddParameter, now: Date): TaskRecord {
    const { id, ...rest } = spec;
    const task: TaskRecord = {
      jobId: job.id,
      id,
      spec: rest as JsonObject,
      state: 'active',
      stateTransitionTime: timestamp(now),
      creationTime: timestamp(now),
      lastModified: timestamp(now),
      eTag: '',
      executionInfo: { retryCount: 0, requeueCount: 0 },
      seq: this.store.nextSequence(),
    };
    touch(task, now);
    this.store.saveTask(task);
    this.scheduler.taskAdded(task);
    return task;
  }

  private jobAcceptingTasks(jobId: string): JobRecord {
    const job = this.findJob(jobId);
    if (job.state === 'completed') throw ErrorFactory.jobCompleted();
    if (job.state === 'terminating') throw ErrorFactory.jobBeingTerminated();
    if (job.state === 'deleting') throw ErrorFactory.jobBeingDeleted();
    return job;
  }

  private findJob(jobId: string): JobRecord {
    const job = this.store.getJob(jobId);
    if (!job) throw ErrorFactory.jobNotFound();
    return job;
  }

  private find(jobId: string, taskId: string): { job: JobRecord; task: TaskRecord } {
    const job = this.findJob(jobId);
    const task = this.store.getTask(job.id, taskId);
    if (!task) throw ErrorFactory.taskNotFound();
    return { job, task };
  }
}
