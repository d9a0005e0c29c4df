import { ApplicationFailure } from '@temporalio/common';
import type { AzureGateways } from '../azure/gateways';
import { scheduleStorageIdOf } from '../model/schedules';

export function scheduleInputActivities(gateways: AzureGateways) {
  return {
    /** A scheduled run's inputs: the schedule's stored files, bundle and elements, copied into the run's job container. Idempotent. */
    async copyScheduleInputs(input: { connection: string; schedule: string; jobId: string }): Promise<void> {
      const { storage } = gateways.get(input.connection);
      const copied = await storage.job(input.jobId).copyAllFrom(storage.job(scheduleStorageIdOf(input.schedule)));
      if (!copied) throw ApplicationFailure.nonRetryable(`schedule ${input.schedule} has no stored inputs (container job-${scheduleStorageIdOf(input.schedule)} is gone): was it deleted?`, 'ScheduleInputsMissing');
    },
  };
}
