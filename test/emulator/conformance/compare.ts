import { COMPARED_HEADERS, type Expectation } from './fixtureTypes';
import type { Observation } from './replay';

/** The ways an answer can differ from the recorded one; each is reported and checked on its own. */
export type Aspect = 'status' | 'code' | 'keys' | 'itemKeys' | 'headers';

export interface Difference {
  aspect: Aspect;
  recorded: string;
  observed: string;
}

export function compare(expected: Expectation, observed: Observation): Difference[] {
  const differences: Difference[] = [];
  if (expected.status !== observed.status) differences.push({ aspect: 'status', recorded: String(expected.status), observed: String(observed.status) });
  if ((expected.code ?? '') !== (observed.code ?? '')) differences.push({ aspect: 'code', recorded: expected.code ?? '(none)', observed: observed.code ?? '(none)' });
  for (const aspect of ['keys', 'itemKeys'] as const) {
    const difference = keyDifference(expected[aspect], observed[aspect]);
    if (difference) differences.push({ aspect, ...difference });
  }
  const headers = COMPARED_HEADERS.filter((name) => expected.headers[name] !== observed.headers[name]);
  if (headers.length) {
    differences.push({
      aspect: 'headers',
      recorded: headers.map((name) => `${name}:${expected.headers[name] ? 'present' : 'absent'}`).join(' '),
      observed: headers.map((name) => `${name}:${observed.headers[name] ? 'present' : 'absent'}`).join(' '),
    });
  }
  return differences;
}

function keyDifference(expected: string[] | undefined, observed: string[] | undefined): { recorded: string; observed: string } | undefined {
  const recorded = new Set(expected ?? []);
  const got = new Set(observed ?? []);
  const missing = [...recorded].filter((key) => !got.has(key));
  const extra = [...got].filter((key) => !recorded.has(key));
  if (!missing.length && !extra.length) return undefined;
  return { recorded: missing.length ? `also ${missing.join(', ')}` : '', observed: extra.length ? `also ${extra.join(', ')}` : '' };
}
