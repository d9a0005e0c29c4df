import { RestError } from '@azure/ms-rest-js';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { activityOutcome } from '../../../src/telemetry/activityMetrics';

describe('activity outcome labels', () => {
  it("names Azure's error code, else the HTTP status, else the failure's type", () => {
    expect(activityOutcome(undefined)).toBe('ok');
    const batchError = Object.assign(new RestError('gone', undefined, 404), { body: { code: 'JobNotFound' } });
    expect(activityOutcome(batchError)).toBe('JobNotFound');
    expect(activityOutcome(new RestError('busy', undefined, 503))).toBe('HTTP_503');
    expect(activityOutcome(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(activityOutcome(ApplicationFailure.create({ message: 'no', type: 'InvalidInput' }))).toBe('InvalidInput');
    expect(activityOutcome(new CancelledFailure('stop'))).toBe('cancelled');
    expect(activityOutcome(new TypeError('x'))).toBe('TypeError');
  });
});
