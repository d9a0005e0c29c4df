import { BatchServiceError, type BatchErrorDetail } from './batchError';

const detail = (key: string, value: string | number): BatchErrorDetail => ({ key, value: String(value) });

/**
 * Every error the emulator returns, one method per Batch error code, worded as the
 * Batch service words them (see "Batch Status and Error Codes" in the REST docs).
 */
export const ErrorFactory = {
  authenticationFailed(reason: string): BatchServiceError {
    return new BatchServiceError(
      403,
      'AuthenticationFailed',
      'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
      [detail('AuthenticationErrorDetail', reason)],
    );
  },
  missingRequiredQueryParameter(name: string): BatchServiceError {
    return new BatchServiceError(400, 'MissingRequiredQueryParameter', 'A query parameter that\'s mandatory for this request is not specified.', [
      detail('QueryParameterName', name),
    ]);
  },
  unsupportedRequestVersion(version: string, supported: readonly string[]): BatchServiceError {
    return new BatchServiceError(400, 'UnsupportedRequestVersion', 'The specified version of the Batch REST API is not supported.', [
      detail('QueryParameterName', 'api-version'),
      detail('QueryParameterValue', version),
      detail('Reason', `Supported versions: ${supported.join(', ')}`),
    ]);
  },
  invalidQueryParameterValue(name: string, value: string, reason: string): BatchServiceError {
    return new BatchServiceError(400, 'InvalidQueryParameterValue', 'Value for one of the query parameters specified in the request URI is invalid.', [
      detail('QueryParameterName', name),
      detail('QueryParameterValue', value),
      detail('Reason', reason),
    ]);
  },
  invalidHeaderValue(name: string, value: string, reason: string): BatchServiceError {
    return new BatchServiceError(400, 'InvalidHeaderValue', 'The value for one of the HTTP headers is not in the correct format.', [
      detail('HeaderName', name),
      detail('HeaderValue', value),
      detail('Reason', reason),
    ]);
  },
  invalidRequestBody(reason: string, propertyName?: string): BatchServiceError {
    const values = propertyName ? [detail('PropertyName', propertyName), detail('Reason', reason)] : [detail('Reason', reason)];
    return new BatchServiceError(400, 'InvalidRequestBody', 'The specified Request Body is not syntactically valid.', values);
  },
  lifetimeStatsApiRetired(): BatchServiceError {
    return new BatchServiceError(400, 'LifetimeStatsAPIRetired', 'Lifetime statistics API was retired on 04/30/2023');
  },
  missingRequiredProperty(propertyName: string): BatchServiceError {
    return new BatchServiceError(400, 'MissingRequiredProperty', 'A required property was not specified in the request body.', [
      detail('PropertyName', propertyName),
    ]);
  },
  invalidPropertyValue(propertyName: string, propertyValue: string, reason: string): BatchServiceError {
    return new BatchServiceError(400, 'InvalidPropertyValue', 'The value provided for one of the properties in the request body is invalid.', [
      detail('PropertyName', propertyName),
      detail('PropertyValue', propertyValue),
      detail('Reason', reason),
    ]);
  },
  unsupportedProperty(propertyName: string, reason: string): BatchServiceError {
    return new BatchServiceError(400, 'UnsupportedProperty', 'One of the properties specified in the request body is not supported.', [
      detail('PropertyName', propertyName),
      detail('Reason', reason),
    ]);
  },
  requestBodyTooLarge(maxBytes: number): BatchServiceError {
    return new BatchServiceError(413, 'RequestBodyTooLarge', 'The request body is too large and exceeds the maximum permissible limit.', [
      detail('MaxLimit', maxBytes),
    ]);
  },
  invalidUri(path: string): BatchServiceError {
    return new BatchServiceError(400, 'InvalidUri', 'The requested URI does not represent any resource on the server.', [detail('Path', path)]);
  },
  unsupportedHttpVerb(method: string, allowed: string[]): BatchServiceError {
    return new BatchServiceError(405, 'UnsupportedHttpVerb', 'The resource doesn\'t support specified Http Verb.', [detail('Verb', method)], {
      Allow: allowed.join(', '),
    });
  },
  invalidRange(range: string): BatchServiceError {
    return new BatchServiceError(416, 'InvalidRange', 'The specified range is invalid for the current size of the resource.', [detail('Range', range)]);
  },
  conditionNotMet(forRead: boolean): BatchServiceError {
    return forRead
      ? new BatchServiceError(304, 'ConditionNotMet', 'The condition specified using HTTP conditional header(s) is not met.')
      : new BatchServiceError(412, 'ConditionNotMet', 'The condition specified using HTTP conditional header(s) is not met.');
  },

  activeJobAndScheduleQuotaReached(quota: number): BatchServiceError {
    return new BatchServiceError(409, 'ActiveJobAndScheduleQuotaReached', 'The specified account has reached its quota of active jobs and job schedules.', [
      detail('Quota', quota),
    ]);
  },
  poolQuotaReached(quota: number): BatchServiceError {
    return new BatchServiceError(409, 'PoolQuotaReached', 'The specified account has reached its quota of pools.', [detail('Quota', quota)]);
  },
  poolNotFound(): BatchServiceError {
    return new BatchServiceError(404, 'PoolNotFound', 'The specified pool does not exist.');
  },
  poolExists(): BatchServiceError {
    return new BatchServiceError(409, 'PoolExists', 'The specified pool already exists.');
  },
  poolBeingDeleted(): BatchServiceError {
    return new BatchServiceError(409, 'PoolBeingDeleted', 'The specified pool has been marked for deletion and is being reclaimed.');
  },
  poolBeingResized(): BatchServiceError {
    return new BatchServiceError(409, 'PoolBeingResized', 'The specified pool is currently being resized.');
  },
  nodeNotFound(): BatchServiceError {
    return new BatchServiceError(404, 'NodeNotFound', 'The specified node does not exist.');
  },
  autoScalingFormulaSyntaxError(message: string): BatchServiceError {
    return new BatchServiceError(400, 'AutoScalingFormulaSyntaxError', 'The specified auto-scaling formula has a syntax error.', [detail('Message', message)]);
  },
  autoScaleTooManyRequestsToEnable(): BatchServiceError {
    return new BatchServiceError(409, 'AutoScaleTooManyRequestsToEnable', 'Enable AutoScale requests for the same pool must be separated by at least 30 seconds.');
  },
  operationNotValidOnNode(reason: string): BatchServiceError {
    return new BatchServiceError(409, 'OperationNotValidOnNode', 'The specified operation is not valid on the node.', [detail('Reason', reason)]);
  },
  nodeUserExists(): BatchServiceError {
    return new BatchServiceError(409, 'NodeUserExists', 'The specified node user already exists.');
  },
  nodeUserNotFound(): BatchServiceError {
    return new BatchServiceError(404, 'NodeUserNotFound', 'The specified node user does not exist.');
  },
  jobNotFound(): BatchServiceError {
    return new BatchServiceError(404, 'JobNotFound', 'The specified job does not exist.');
  },
  jobExists(): BatchServiceError {
    return new BatchServiceError(409, 'JobExists', 'The specified job already exists.');
  },
  jobCompleted(): BatchServiceError {
    return new BatchServiceError(409, 'JobCompleted', 'The specified job is already in a completed state.');
  },
  jobBeingTerminated(): BatchServiceError {
    return new BatchServiceError(409, 'JobBeingTerminated', 'The specified job is being terminated.');
  },
  jobBeingDeleted(): BatchServiceError {
    return new BatchServiceError(409, 'JobBeingDeleted', 'The specified job has been marked for deletion and is being garbage collected.');
  },
  jobNotActive(): BatchServiceError {
    return new BatchServiceError(409, 'JobNotActive', 'The specified job is not in an active state.');
  },
  jobDisabled(): BatchServiceError {
    return new BatchServiceError(409, 'JobDisabled', 'The specified job is disabled.');
  },
  taskNotFound(): BatchServiceError {
    return new BatchServiceError(404, 'TaskNotFound', 'The specified task does not exist.');
  },
  taskExists(): BatchServiceError {
    return new BatchServiceError(409, 'TaskExists', 'The specified task already exists.');
  },
  taskIdSameAsJobPreparationTask(): BatchServiceError {
    return new BatchServiceError(409, 'TaskIdSameAsJobPreparationTask', 'The specified task id is same as the job preparation task.');
  },
  taskIdSameAsJobReleaseTask(): BatchServiceError {
    return new BatchServiceError(409, 'TaskIdSameAsJobReleaseTask', 'The specified task id is same as the job release task.');
  },
  jobPreparationTaskOrReleaseTaskNotSpecified(): BatchServiceError {
    return new BatchServiceError(409, 'JobPreparationTaskOrReleaseTaskNotSpecified', 'The specified job does not have either job preparation task or job release task.');
  },
  taskCompleted(): BatchServiceError {
    return new BatchServiceError(409, 'TaskCompleted', 'The specified task is already completed.');
  },
  taskDependenciesNotSpecifiedOnJob(): BatchServiceError {
    return new BatchServiceError(409, 'TaskDependenciesNotSpecifiedOnJob', 'The task depends on other tasks, but the job does not specify that it uses task dependencies (usesTaskDependencies).');
  },
  tooManyTasksInCollection(count: number): BatchServiceError {
    return new BatchServiceError(400, 'InvalidPropertyValue', 'The value provided for one of the properties in the request body is invalid.', [
      detail('PropertyName', 'value'),
      detail('PropertyValue', `${count} tasks`),
      detail('Reason', 'A collection may hold at most 100 tasks.'),
    ]);
  },
  fileNotFound(): BatchServiceError {
    return new BatchServiceError(404, 'FileNotFound', 'The specified file does not exist.');
  },
  taskFilesCleanedUp(): BatchServiceError {
    return new BatchServiceError(409, 'TaskFilesCleanedup', 'The files of the specified task are cleaned up: its retentionTime has passed.');
  },
  operationInvalidForCurrentState(reason: string): BatchServiceError {
    return new BatchServiceError(409, 'OperationInvalidForCurrentState', 'The specified operation is not valid for the current state of the resource.', [
      detail('Reason', reason),
    ]);
  },

  serverBusy(): BatchServiceError {
    return new BatchServiceError(503, 'ServerBusy', 'The server is currently unable to receive requests. Please retry your request.');
  },
  internalError(): BatchServiceError {
    return new BatchServiceError(500, 'InternalError', 'Server encountered an internal error. Please try again after some time.');
  },
  tooManyRequests(retryAfterSeconds: number): BatchServiceError {
    return new BatchServiceError(429, 'TooManyRequests', 'The server is receiving too many requests. Please retry your request after some time.', [], {
      'Retry-After': String(retryAfterSeconds),
    });
  },
};
