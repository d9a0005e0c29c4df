/**
 * A job's name and labels: what a team finds its jobs by. Both travel in the
 * workflow input, the job's state, its search attributes (`RemoteBatchName`,
 * a Keyword; `RemoteBatchLabels`, a KeywordList of `key=value`) and its Azure
 * job (display name, metadata), so the rules are what all of those can hold.
 * Pure: zod only, safe in the workflow sandbox.
 */
import { z } from 'zod';
import { describeValue, saying } from './describe';

/** Letters, digits, '.', '_' and '-', starting with a letter or digit: a Keyword, a Batch metadata name and a CLI word alike. */
const identifierPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const maxNameLength = 63;
const maxLabelKeyLength = 63;
const maxLabelValueLength = 256;
const maxLabels = 16;

const nameRule = `1 to ${maxNameLength} letters, digits, '.', '_' or '-', starting with a letter or digit`;
const labelKeyRule = `1 to ${maxLabelKeyLength} letters, digits, '.', '_' or '-', starting with a letter or digit (no '=': the search attribute holds key=value)`;
const labelValueRule = `at most ${maxLabelValueLength} characters, none of them a control character, a quote or a backslash (a search attribute keyword and a Batch metadata value)`;

// Control characters break a Keyword and Batch's metadata; quotes break the visibility queries that filter on them.
function hasForbiddenCharacter(value: string): boolean {
  for (const character of value) {
    const code = character.charCodeAt(0);
    if (code < 0x20 || code === 0x7f || character === "'" || character === '"' || character === '\\') return true;
  }
  return false;
}

export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length > maxNameLength || !identifierPattern.test(name)) return `name must be ${nameRule}; got ${describeValue(name)}.`;
  return undefined;
}

function labelProblem(key: string, value: unknown): string | undefined {
  if (key.length > maxLabelKeyLength || !identifierPattern.test(key)) return `labels: the key ${describeValue(key)} must be ${labelKeyRule}.`;
  if (typeof value !== 'string') return `labels.${key} must be a string; got ${describeValue(value)}.`;
  if (value.length > maxLabelValueLength || hasForbiddenCharacter(value)) return `labels.${key}: the value ${describeValue(value)} must be ${labelValueRule}.`;
  return undefined;
}

const nameMessage = saying((got) => `name must be ${nameRule}; got ${got}.`);

export const jobNameSchema = z
  .string(nameMessage)
  .max(maxNameLength, nameMessage)
  .regex(identifierPattern, nameMessage)
  .describe(`The job's name (RemoteBatchName): ${nameRule}. Shown in the Temporal UI's summary; \`ls --name\` filters on it.`);

const labelKeyMessage = saying((got) => `labels: the key ${got} must be ${labelKeyRule}.`);

export const jobLabelsSchema = z
  .record(
    z.string().max(maxLabelKeyLength, labelKeyMessage).regex(identifierPattern, labelKeyMessage),
    z.string(saying((got) => `each label value must be a string; got ${got}.`)),
    {
      error: (issue) =>
        issue.code === 'invalid_key'
          ? `labels: the key ${describeValue(issue.input)} must be ${labelKeyRule}.`
          : `labels must be an object of key → string value, such as { "team": "vision" }; got ${describeValue(issue.input)}.`,
    },
  )
  .superRefine((labels, context) => {
    const keys = Object.keys(labels);
    if (keys.length > maxLabels) context.addIssue({ code: 'custom', message: `labels: a job has at most ${maxLabels} labels; got ${keys.length}.` });
    for (const key of keys) {
      const problem = labelProblem(key, labels[key]);
      if (problem) context.addIssue({ code: 'custom', path: [key], message: problem });
    }
  })
  .describe(`The job's labels (RemoteBatchLabels, each as key=value): at most ${maxLabels}; keys ${labelKeyRule}; values ${labelValueRule}.`);

export type JobLabels = Record<string, string>;

/** How one label is kept in the `RemoteBatchLabels` KeywordList, and how a listing asks for it. */
export function labelKeyword(key: string, value: string): string {
  return `${key}=${value}`;
}

export function labelKeywords(labels: JobLabels | undefined): string[] {
  return Object.entries(labels ?? {}).map(([key, value]) => labelKeyword(key, value));
}

/** `team=vision` as typed on a command line or in a filter: refused, naming what is wrong, when it is not a label. */
export function parseLabelAssignment(text: string): [string, string] {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new TypeError(`label ${describeValue(text)} must be KEY=VALUE, e.g. team=vision.`);
  const key = text.slice(0, equals);
  const value = text.slice(equals + 1);
  const problem = labelProblem(key, value);
  if (problem) throw new TypeError(problem);
  return [key, value];
}

/** A name filter: a name, or the start of one followed by `*` (`nightly*`). */
export type NamePattern = { exact: string } | { prefix: string };

export function parseNamePattern(pattern: string): NamePattern {
  const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : undefined;
  const word = prefix ?? pattern;
  if ((prefix === undefined || word !== '') && (word.length > maxNameLength || !identifierPattern.test(word))) {
    throw new TypeError(`name filter ${describeValue(pattern)} must be a name (${nameRule}), or the start of one followed by '*' (e.g. 'nightly*').`);
  }
  return prefix !== undefined ? { prefix } : { exact: pattern };
}
