/**
 * Completion notifications: a job's input may ask for a JSON POST to a URL at
 * its end (or at every status change), signed with a secret the workers know
 * by name, so no secret travels in workflow input or history. Pure: zod only.
 */
import { z } from 'zod';
import { saying } from './describe';
import type { ArrayJobState, SingleJobState } from './jobStates';
import { isFinished, type JobStatus } from './status';

export const notifyOnChoices = ['end', 'changes'] as const;
const secretNamePattern = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const maxUrlLength = 2048;

/** The worker environment variable holding the secret named `name`. */
export function notifySecretVariable(name: string): string {
  return `REMOTE_BATCH_NOTIFY_SECRET_${name.toUpperCase()}`;
}

/** The header carrying `sha256=<hex HMAC-SHA256 of the body>`. */
export const signatureHeader = 'X-RemoteBatch-Signature';
/** The failure type of a receiver's answer that a retry cannot change (a 4xx other than 408 and 429). */
export const notificationRefusedType = 'NotificationRefused';

/** The header naming one delivery (the same on each try of it): `<jobId>:<n>`. */
export const deliveryHeader = 'X-RemoteBatch-Delivery';

function isWebUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

const urlMessage = saying((got) => `notify.url must be an http or https URL of at most ${maxUrlLength} characters; got ${got}.`);
const secretMessage = saying(
  (got) => `notify.secret must name a secret the workers know (letters, digits and '_', starting with a letter, at most 64; each worker reads it from REMOTE_BATCH_NOTIFY_SECRET_<NAME>); got ${got}.`,
);

export const notifySchema = z
  .strictObject(
    {
      url: z.string(urlMessage).max(maxUrlLength, urlMessage).refine(isWebUrl, urlMessage).describe('Where each notification is POSTed as JSON.'),
      secret: z
        .string(secretMessage)
        .regex(secretNamePattern, secretMessage)
        .optional()
        .describe(`The name of the secret the body is signed with (HMAC-SHA256, header ${signatureHeader}); the workers read it from REMOTE_BATCH_NOTIFY_SECRET_<NAME>. Never the secret itself.`),
      on: z
        .enum(notifyOnChoices, saying((got) => `notify.on must be 'end' or 'changes'; got ${got}.`))
        .default('end')
        .describe("'end' (default): once, when the job has ended; 'changes': at every status change."),
    },
    saying((got) => `notify must be { url, secret?, on? }; got ${got}.`),
  )
  .describe('A JSON POST when the job ends (or at each status change), retried with backoff for up to a day; a 4xx answer other than 408 and 429 is not retried.');

export type Notify = z.output<typeof notifySchema>;

export const deliverySchema = z.strictObject({
  status: z.string().describe('The job status the notification told of.'),
  outcome: z.enum(['delivered', 'refused', 'failed']).describe("'delivered' (2xx), 'refused' (a 4xx other than 408/429, not retried), 'failed' (gave up after a day of tries)."),
  httpStatus: z.number().int().optional(),
  attempts: z.number().int().min(1).optional(),
  error: z.string().optional(),
  at: z.string().describe('When it was delivered or given up.'),
});

export type Delivery = z.output<typeof deliverySchema>;

/** Whether a job whose status has just become `status` gets a notification. */
export function isNotified(notify: Notify, status: JobStatus): boolean {
  return notify.on === 'changes' || isFinished(status);
}

/** The JSON body: what the job is and how it stands, never its inputs or secrets. */
export function notificationBody(state: SingleJobState | ArrayJobState, delivery: number): Record<string, unknown> {
  const common = {
    delivery,
    jobId: state.jobId,
    jobType: 'childCount' in state ? 'Array' : 'Single',
    status: state.status,
    ...(state.statusReason !== undefined ? { statusReason: state.statusReason } : {}),
    ...(state.name !== undefined ? { name: state.name } : {}),
    ...(state.labels !== undefined ? { labels: state.labels } : {}),
    poolId: state.poolId,
    submittedAt: state.submittedAt,
    ...(state.completedAt !== undefined ? { completedAt: state.completedAt } : {}),
  };
  if ('childCount' in state) return { ...common, childCount: state.childCount, counts: state.counts };
  return { ...common, ...(state.exitCode !== undefined ? { exitCode: state.exitCode } : {}) };
}
