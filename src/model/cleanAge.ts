import { describeValue } from './describe';

/** The oldest age `clean` takes: a hundred years reaches back before any job; more is a typo, not a wish. */
export const maxCleanAgeDays = 36_500;
const maxCleanAgeInMs = maxCleanAgeDays * 86_400_000;

/** Why an age in milliseconds cannot select jobs to clean (`field` names it as the caller wrote it), or undefined. */
export function cleanAgeProblem(field: string, ageInMs: unknown, given: string = describeValue(ageInMs)): string | undefined {
  if (typeof ageInMs === 'number' && Number.isFinite(ageInMs) && ageInMs >= 0 && ageInMs <= maxCleanAgeInMs) return undefined;
  return `${field} must be an age from 0 to ${maxCleanAgeDays.toLocaleString('en')} days (a hundred years); got ${given}.`;
}
