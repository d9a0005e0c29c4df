/**
 * What an Azure job says of itself in its Batch metadata, beside its workflow
 * id: the job's kind, what runs (command or script) and the state it started
 * from. With it the reconciler can record a final status for a job whose
 * workflow is gone from Temporal (deleted), and read an array's children the
 * way their body wrote them. Small by design: no elements, no arguments, no
 * environment variable values. Pure: zod only, safe in the workflow sandbox.
 */
import { z } from 'zod';
import type { ArrayJobState, SingleJobState } from './jobStates';
import type { JobBody } from './workflowInputs';

const jobRecordMetadataKey = 'remote-batch-job';

export interface AzureJobRecord {
  jobType: 'Single' | 'Array';
  bodyKind: JobBody['kind'];
  /** The state the job started from, as its workflow's memo first held it. */
  state: SingleJobState | ArrayJobState;
}

const settingsSchema = z.looseObject({ containerImage: z.string(), jobPriority: z.number(), vcpuCount: z.number() });
const common = { jobId: z.string(), poolId: z.string(), submittedAt: z.string(), inputNames: z.array(z.string()), settings: settingsSchema };
const countsSchema = z.object({ active: z.number(), running: z.number(), succeeded: z.number(), failed: z.number() });

const recordSchema = z.discriminatedUnion('jobType', [
  z.object({
    jobType: z.literal('Single'),
    bodyKind: z.enum(['script', 'command']),
    state: z.looseObject({ ...common, taskId: z.string(), status: z.enum(['Active', 'Running', 'Succeeded', 'Failed']) }),
  }),
  z.object({
    jobType: z.literal('Array'),
    bodyKind: z.enum(['script', 'command']),
    state: z.looseObject({
      ...common,
      status: z.enum(['Active', 'Completed']),
      childCount: z.number().int().positive(),
      elementCount: z.number().int().positive(),
      spanSize: z.number().int().positive(),
      added: z.number().int().nonnegative(),
      counts: countsSchema,
      retries: z.number(),
      closed: z.boolean(),
    }),
  }),
]);

/** Past this, the input file names are left out: the record stays a small metadata value whatever a job's inputs. */
export const maxJobRecordBytes = 8 * 1024;

/** The metadata item an Azure job is created with. */
export function jobRecordMetadata(record: AzureJobRecord): { name: string; value: string } {
  const whole = JSON.stringify(record);
  if (whole.length <= maxJobRecordBytes) return { name: jobRecordMetadataKey, value: whole };
  return { name: jobRecordMetadataKey, value: JSON.stringify({ ...record, state: { ...record.state, inputNames: [] } }) };
}

/** The record in an Azure job's metadata; undefined when there is none (jobs created before it existed) or it is not one of ours. */
export function jobRecordOf(metadata: readonly { name: string; value: string }[] | undefined): AzureJobRecord | undefined {
  const value = metadata?.find((item) => item.name === jobRecordMetadataKey)?.value;
  if (value === undefined) return undefined;
  try {
    const parsed = recordSchema.safeParse(JSON.parse(value));
    return parsed.success ? (parsed.data as AzureJobRecord) : undefined;
  } catch {
    return undefined;
  }
}
