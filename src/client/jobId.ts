import { InvalidSettingError } from '../model/errors';

/**
 * `rb-…` names a job, `rb-…/n` child n of an array job (1-based, as the seed
 * counts). Refuses, naming it, what cannot be a job id.
 */
export function parseJobId(text: string): { jobId: string; child?: number } {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new InvalidSettingError('jobId', "The job id is empty: name a job by its id (rb-…, as submit printed it, or as listJobs and 'remote-batch ls' list it).");
  }
  if (text !== text.trim()) throw new InvalidSettingError('jobId', `The job id '${text}' has spaces around it; a job id has none.`);
  const match = /^(.+)\/([^/]*)$/.exec(text);
  if (!match) return { jobId: text };
  const child = Number(match[2]);
  if (!/^\d+$/.test(match[2]) || child < 1) {
    throw new InvalidSettingError('jobId', `'${text}': a child is named <array job id>/<n> with n a whole number from 1.`);
  }
  return { jobId: match[1], child };
}
