import fs from 'node:fs';
import path from 'node:path';
import type { Difference } from './compare';
import type { RecordedTraffic } from './fixtureTypes';
import { ORCHESTRATOR_OPERATIONS } from './operations';
import type { ReplayedRequest } from './replay';

interface Tally {
  requests: number;
  status: number;
  keys: number;
  headers: number;
  outOfScope: number;
}

/**
 * Writes the per-operation agreement (the table docs/emulator.md shows) and every difference to
 * `.data/conformance/report.md`, and prints the table.
 */
export function writeReport(traffic: RecordedTraffic, results: Array<{ replayed: ReplayedRequest; differences: Difference[] }>): void {
  const tallies = new Map<string, Tally>();
  const tally = (operation: string): Tally => {
    let found = tallies.get(operation);
    if (!found) tallies.set(operation, (found = { requests: 0, status: 0, keys: 0, headers: 0, outOfScope: 0 }));
    return found;
  };
  for (const test of traffic.suites.flatMap((suite) => suite.tests)) {
    if (test.outOfScope) for (const request of test.requests) tally(request.operation).outOfScope++;
  }
  for (const { replayed, differences } of results) {
    const entry = tally(replayed.request.operation);
    const aspects = new Set(differences.map((difference) => difference.aspect));
    entry.requests++;
    if (!aspects.has('status') && !aspects.has('code')) entry.status++;
    if (!aspects.has('keys') && !aspects.has('itemKeys')) entry.keys++;
    if (!aspects.has('headers')) entry.headers++;
  }
  const rows = [...tallies.entries()].sort(([a], [b]) => a.localeCompare(b));
  const table = [
    '| operation | requests | status and error code agree | keys agree | headers agree |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(([operation, t]) => {
      const name = ORCHESTRATOR_OPERATIONS.has(operation) ? `**${operation}**` : operation;
      const requests = t.requests + (t.outOfScope ? ` (+${t.outOfScope} out of scope)` : '');
      return t.requests ? `| ${name} | ${requests} | ${t.status}/${t.requests} | ${t.keys}/${t.requests} | ${t.headers}/${t.requests} |` : `| ${name} | ${requests} | – | – | – |`;
    }),
  ].join('\n');
  const differences = results
    .filter((result) => result.differences.length)
    .map(({ replayed, differences }) => `- ${replayed.suite} / ${replayed.test} #${replayed.index} ${replayed.request.operation}: ${differences.map((d) => `${d.aspect} (recorded ${d.recorded || '–'}; emulator ${d.observed || '–'})`).join('; ')}`)
    .join('\n');
  const dir = path.join(process.cwd(), '.data', 'conformance');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'report.md'), `${table}\n\nDifferences:\n${differences || '(none)'}\n`);
  console.log(`${table}\n\n${differences}`);
}
