import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator } from '../../../src/emulator';
import { compare, type Difference } from './compare';
import type { RecordedTraffic } from './fixtureTypes';
import { KNOWN_DIFFERENCES } from './knownDifferences';
import { ORCHESTRATOR_OPERATIONS } from './operations';
import { replayTest, Sender, setUpSuite, type ReplayedRequest } from './replay';
import { writeReport } from './report';

/**
 * Real Batch traffic, replayed: every in-scope recorded test of the Azure SDK for JavaScript's
 * Batch suites runs its requests in order against a fresh emulator (after what the suite's hooks
 * created), and each answer is compared with the recorded one: status and error code, top-level
 * keys (and listed items' keys), and which of ETag, Last-Modified, request-id, DataServiceId and
 * Location were sent.
 */
/** Resizes end where the recordings show them ended (suites.ts, `nodesArrived`), never on their own. */
const REPLAY_RESIZE_DURATION_MS = 60 * 60_000;

const traffic = JSON.parse(fs.readFileSync(path.join(__dirname, 'recorded-traffic.json'), 'utf8')) as RecordedTraffic;
const results: Array<{ replayed: ReplayedRequest; differences: Difference[] }> = [];

afterAll(() => writeReport(traffic, results));

test('no operation the orchestrator uses is excused from agreeing', () => {
  const excused = KNOWN_DIFFERENCES.map((known) => {
    const request = traffic.suites.find((suite) => suite.name === known.suite)?.tests.find((test) => test.name === known.test)?.requests[known.index];
    if (!request) throw new Error(`knownDifferences.ts names ${known.suite} / ${known.test} #${known.index}, which the fixture does not have.`);
    return request.operation;
  });
  expect(excused.filter((operation) => ORCHESTRATOR_OPERATIONS.has(operation))).toEqual([]);
});

for (const suite of traffic.suites) {
  describe(suite.name, () => {
    let emulator: Awaited<ReturnType<typeof startEmulator>>;
    let dataDir: string;
    let sender: Sender;

    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-conformance-'));
      emulator = await startEmulator({ port: 0, dataDir, persistence: 'memory', pools: [], resizeDurationMs: REPLAY_RESIZE_DURATION_MS, log: () => undefined });
      sender = new Sender(emulator.url);
      await setUpSuite(sender, suite);
    }, 60_000);

    afterAll(async () => {
      await emulator?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    for (const recorded of suite.tests) {
      if (recorded.outOfScope) {
        test.skip(`${recorded.name} — out of scope: ${recorded.outOfScope}`, () => undefined);
        continue;
      }
      test(recorded.name, async () => {
        const replayed = await replayTest(sender, suite, recorded);
        const found = replayed.map((request) => {
          const differences = compare(request.request.expect, request.observed);
          results.push({ replayed: request, differences });
          return { index: request.index, operation: request.request.operation, differences: differences.map((difference) => `${difference.aspect}: recorded ${difference.recorded}; emulator ${difference.observed}`) };
        });
        const known = KNOWN_DIFFERENCES.filter((entry) => entry.suite === suite.name && entry.test === recorded.name);
        const excused = found.map(({ index, operation, differences }) => {
          const aspects = new Set(known.filter((entry) => entry.index === index).flatMap((entry) => entry.aspects));
          return { index, operation, differences: differences.filter((line) => !aspects.has(line.split(':')[0] as never)) };
        });
        expect(excused.filter((request) => request.differences.length)).toEqual([]);
        const stale = known.filter((entry) => entry.aspects.some((aspect) => !found[entry.index]?.differences.some((line) => line.startsWith(`${aspect}:`))));
        expect(stale.map((entry) => `#${entry.index} ${entry.aspects.join(',')} now agrees; remove it from knownDifferences.ts`)).toEqual([]);
      }, 90_000);
    }
  });
}
