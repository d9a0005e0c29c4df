/**
 * Dependencies between jobs: a job submitted `after` others creates its Azure
 * job only once their outcomes meet its condition, and fails without running
 * when they no longer can. Pure: zod only, safe in the workflow sandbox.
 */
import { z } from 'zod';
import { jobIdPattern, jobIdRule } from './conventions';
import { describeValue, saying } from './describe';
import type { JobStatus } from './status';

/** As many as AWS Batch allows a job to depend on. */
export const maxDependencies = 20;

export const dependencyConditions = ['succeeded', 'ended', 'failed'] as const;
export type DependencyCondition = (typeof dependencyConditions)[number];

const jobIdsMessage = saying((got) => `after.jobIds must be a list of 1 to ${maxDependencies} job ids; got ${got}.`);

export const jobDependenciesSchema = z
  .strictObject(
    {
      jobIds: z
        .array(
          z.string(jobIdsMessage).regex(jobIdPattern, { error: (issue) => `after.jobIds: ${describeValue(issue.input)} is not a job id: ${jobIdRule}` }),
          jobIdsMessage,
        )
        .min(1, jobIdsMessage)
        .max(maxDependencies, jobIdsMessage)
        .refine((ids) => new Set(ids).size === ids.length, { error: 'after.jobIds names a job more than once.' })
        .describe('The jobs (workflow ids) this one waits for.'),
      condition: z
        .enum(dependencyConditions, saying((got) => `after.condition must be 'succeeded', 'ended' or 'failed'; got ${got}.`))
        .default('succeeded')
        .describe("'succeeded' (default): every one succeeded (an array: every child); 'ended': each ended either way; 'failed': every one failed."),
    },
    saying((got) => `after must be { jobIds, condition? }; got ${got}.`),
  )
  .describe('Jobs that must end first: the Azure job is created only once their outcomes meet the condition; when they no longer can, the job fails without running.');

export type JobDependencies = z.output<typeof jobDependenciesSchema>;

/** What Temporal says of one dependency: its latest run's job state. */
export interface DependencyFacts {
  jobId: string;
  /** False when no workflow has this id. */
  exists: boolean;
  status?: JobStatus;
  /** An array's failed children (and whether it was aborted): a Completed array with any failed did not succeed. */
  failedChildren?: number;
  aborted?: boolean;
  /** A failed job can be retried until then, and may yet succeed. */
  retryUntil?: string;
}

type Outcome = 'missing' | 'pending' | 'succeeded' | 'failed';

function outcomeOf(facts: DependencyFacts): Outcome {
  if (!facts.exists) return 'missing';
  if (facts.status === 'Succeeded') return 'succeeded';
  if (facts.status === 'Failed') return 'failed';
  if (facts.status === 'Completed') return (facts.failedChildren ?? 0) > 0 || facts.aborted ? 'failed' : 'succeeded';
  return 'pending';
}

export type DependencyVerdict =
  /** The condition holds: create the Azure job. */
  | { kind: 'go' }
  /** Not yet: the reason says what it waits for (JobStatusReason meanwhile). */
  | { kind: 'wait'; reason: string }
  /** The condition can no longer hold: the job fails with this reason, having run nothing. */
  | { kind: 'never'; reason: string };

function named(ids: string[]): string {
  if (ids.length <= 3) return ids.length === 1 ? ids[0] : `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;
  return `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
}

const wanted: Record<DependencyCondition, string> = { succeeded: 'succeed', ended: 'end', failed: 'fail' };

/** Whether the dependencies' outcomes meet the condition now, never can, or may yet. */
export function dependencyVerdict(dependencies: JobDependencies, facts: DependencyFacts[], now: Date): DependencyVerdict {
  const outcomes = facts.map((fact) => ({ fact, outcome: outcomeOf(fact) }));
  const missing = outcomes.filter(({ outcome }) => outcome === 'missing').map(({ fact }) => fact.jobId);
  if (missing.length > 0) {
    const which = missing.length === 1 ? `Dependency ${missing[0]} does not exist` : `Dependencies ${named(missing)} do not exist`;
    return { kind: 'never', reason: `${which} (deleted from Temporal?); nothing was run.` };
  }
  const { condition } = dependencies;
  const isRetryable = (fact: DependencyFacts) => fact.retryUntil !== undefined && Date.parse(fact.retryUntil) > now.getTime();
  if (condition === 'succeeded') {
    const lost = outcomes.find(({ fact, outcome }) => outcome === 'failed' && !isRetryable(fact));
    if (lost) return { kind: 'never', reason: `Dependency ${lost.fact.jobId} failed, so this job (after it succeeded) was not run.` };
  }
  if (condition === 'failed') {
    const lost = outcomes.find(({ outcome }) => outcome === 'succeeded');
    if (lost) return { kind: 'never', reason: `Dependency ${lost.fact.jobId} succeeded, so this job (after it failed) was not run.` };
  }
  const met = (outcome: Outcome) => (condition === 'ended' ? outcome !== 'pending' : outcome === condition);
  const done = outcomes.filter(({ outcome }) => met(outcome)).length;
  if (done === outcomes.length) return { kind: 'go' };
  const ids = dependencies.jobIds;
  let reason = `Waiting for ${named(ids)} to ${wanted[condition]} (${done} of ${ids.length} done).`;
  const retryable = outcomes.filter(({ fact, outcome }) => condition === 'succeeded' && outcome === 'failed' && isRetryable(fact));
  if (retryable.length > 0) {
    const first = retryable[0].fact;
    reason += ` ${first.jobId} failed; it can be retried until ${first.retryUntil} (remote-batch retry ${first.jobId}), else this job fails.`;
  }
  return { kind: 'wait', reason };
}
