/**
 * Turns the Azure SDK for JavaScript's Batch test recordings (test-proxy JSON, one file per test,
 * from sdk/batch/batch-rest/recordings/node/<suite>/ in Azure/azure-sdk-for-js) into the committed
 * fixture `recorded-traffic.json`: per request the operation, method, path and query with ids
 * renamed, the body needed to send it again, and what the service answered (status, error code,
 * top-level keys, which of the compared headers were present). Nothing else of a recording is kept.
 *
 *   npx tsx test/emulator/conformance/extract.ts [recordingsDir] [outputFile]
 *
 * Each recording file may carry `_source: { Repository, Commit }` saying where it was read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { COMPARED_HEADERS, type Condition, type Expectation, type RecordedRequest, type RecordedSuite, type RecordedTraffic, type ReplayRequest, type SetupStep } from './fixtureTypes';
import { operationOf } from './operations';
import { SUITES, type SuiteStep } from './suites';

interface RecordingEntry {
  RequestUri: string;
  RequestMethod: string;
  RequestBody: unknown;
  StatusCode: number;
  ResponseHeaders: Record<string, string>;
  ResponseBody: unknown;
}

interface Recording {
  _source?: { Repository?: string; Commit?: string };
  Entries: RecordingEntry[];
}

/** `JSSDKTest-Job-Basic-4a55-task1` → `Job-Basic-task1`: the tests' random suffixes go, names stay. */
const TEST_ID = /JSSDKTest-([A-Za-z0-9-]+?)-[0-9a-f]{4}(?![0-9A-Za-z])/g;
const NODE_ID = /tvmps_[0-9a-f]{64}_[dp]/g;
const PLACEHOLDER_PASSWORD = 'fake-Passw0rd';

/** Renames ids consistently within one suite: test ids lose their suffix, node ids become `{node:N}`. */
class Renamer {
  private readonly nodes = new Map<string, number>();

  learnNodes(body: unknown): void {
    const value = (body as { value?: Array<{ id?: unknown }> } | null)?.value;
    if (!Array.isArray(value)) return;
    for (const item of value) {
      if (typeof item.id === 'string' && NODE_ID.test(item.id) && !this.nodes.has(item.id)) this.nodes.set(item.id, this.nodes.size);
      NODE_ID.lastIndex = 0;
    }
  }

  text(value: string): string {
    return value.replace(TEST_ID, '$1').replace(NODE_ID, (id) => {
      const index = this.nodes.get(id);
      if (index === undefined) throw new Error(`Node id ${id} is used before any node list named it.`);
      return `{node:${index}}`;
    });
  }

  /** A request body with ids renamed and secrets replaced. */
  body(value: unknown, key = ''): unknown {
    if (typeof value === 'string') {
      if (/password/i.test(key)) return PLACEHOLDER_PASSWORD;
      return this.text(value).replace(/([?&]sig=)[^&]*/g, '$1REDACTED');
    }
    if (Array.isArray(value)) return value.map((item) => this.body(item));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, this.body(item, name)]));
    return value;
  }
}

function request(renamer: Renamer, method: string, uri: string, body: unknown): ReplayRequest {
  const url = new URL(uri);
  const decoded = url.pathname
    .split('/')
    .map((segment) => decodeURIComponent(segment))
    .join('/');
  const pathName = renamer.text(decoded);
  const query = Object.fromEntries([...url.searchParams.entries()].map(([name, value]) => [name, renamer.text(value)]));
  const replay: ReplayRequest = { operation: operationOf(method, pathName), method, path: pathName, query };
  if (body !== null && body !== undefined) replay.body = renamer.body(body);
  return replay;
}

function expectation(entry: RecordingEntry): Expectation {
  const headerNames = new Set(Object.keys(entry.ResponseHeaders).map((name) => name.toLowerCase()));
  const headers = Object.fromEntries(COMPARED_HEADERS.map((name) => [name, headerNames.has(name.toLowerCase())])) as Expectation['headers'];
  const result: Expectation = { status: entry.StatusCode, headers };
  const body = entry.ResponseBody;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    result.keys = Object.keys(record).sort();
    if (entry.StatusCode >= 400 && typeof record.code === 'string') result.code = record.code;
    if (Array.isArray(record.value) && record.value.length) {
      result.itemKeys = [...new Set(record.value.flatMap((item: unknown) => (item && typeof item === 'object' ? Object.keys(item) : [])))].sort();
    }
  }
  return result;
}

const sameRequest = (a: ReplayRequest, b: ReplayRequest): boolean => JSON.stringify([a.method, a.path, a.query, a.body]) === JSON.stringify([b.method, b.path, b.query, b.body]);

/**
 * Consecutive identical requests are a test polling until the service changed: one request,
 * sent again until the test's own condition holds, expecting the last answer recorded.
 */
function collapsePolls(requests: RecordedRequest[], until: Condition | undefined, test: string): RecordedRequest[] {
  const result: RecordedRequest[] = [];
  let polled = false;
  for (const current of requests) {
    const previous = result[result.length - 1];
    if (previous && sameRequest(previous, current)) {
      if (!until) throw new Error(`${test} polls ${current.method} ${current.path}; suites.ts must say what it waited for (pollUntil).`);
      result[result.length - 1] = { ...current, pollUntil: until };
      polled = true;
    } else result.push(current);
  }
  if (until && !polled) throw new Error(`suites.ts gives ${test} a poll condition, but its recording sends no request twice in a row.`);
  return result;
}

function setupSteps(renamer: Renamer, steps: SuiteStep[]): SetupStep[] {
  return steps.map((step) => {
    const setup: SetupStep = request(renamer, step.method, step.uri, step.body);
    if (step.waitFor) {
      const read = request(renamer, 'GET', step.waitFor.uri, undefined);
      setup.waitFor = { path: read.path, query: read.query, until: step.waitFor.until };
    }
    return setup;
  });
}

function readRecording(dir: string, suite: string, name: string): Recording {
  const file = path.join(dir, suite, `recording_${name}.json`);
  if (!fs.existsSync(file)) throw new Error(`Missing recording ${file}.`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Recording;
}

export function extract(dir: string): RecordedTraffic {
  const suites: RecordedSuite[] = [];
  for (const description of SUITES) {
    const present = fs.readdirSync(path.join(dir, description.name)).filter((file) => file.endsWith('.json'));
    const unlisted = present.filter((file) => !description.order.includes(file.replace(/^recording_/, '').replace(/\.json$/, '')));
    if (unlisted.length) throw new Error(`Recordings of ${description.name} with no place in suites.ts: ${unlisted.join(', ')}.`);
    const renamer = new Renamer();
    const recordings = description.order.map((name) => ({ name, recording: readRecording(dir, description.name, name) }));
    for (const { recording } of recordings) for (const entry of recording.Entries) renamer.learnNodes(entry.ResponseBody);
    suites.push({
      name: description.name,
      spec: description.spec,
      setup: setupSteps(renamer, description.setup),
      ...(description.setupReason ? { setupReason: description.setupReason } : {}),
      tests: recordings.map(({ name, recording }) => {
        const before = description.before?.[name];
        return {
          name: name.replace(/_/g, ' ').replace(/\s+/g, ' ').trim(),
          recording: `recording_${name}.json`,
          commit: recording._source?.Commit ?? 'unknown',
          ...(description.outOfScope?.[name] ? { outOfScope: description.outOfScope[name] } : {}),
          ...(before ? { before: setupSteps(renamer, before.steps), beforeReason: before.reason } : {}),
          requests: collapsePolls(
            recording.Entries.map((entry) => ({ ...request(renamer, entry.RequestMethod, entry.RequestUri, entry.RequestBody), expect: expectation(entry) })),
            description.pollUntil?.[name],
            name,
          ),
        };
      }),
    });
  }
  return {
    source: {
      repository: 'Azure/azure-sdk-for-js',
      path: 'sdk/batch/batch-rest/recordings/node',
      note: 'Facts and shapes of the @azure-rest/batch test recordings (real Batch traffic); the recordings themselves are not part of this repository.',
    },
    suites,
  };
}

if (require.main === module) {
  const dir = process.argv[2] ?? '.data/conformance/recordings';
  const output = process.argv[3] ?? path.join(__dirname, 'recorded-traffic.json');
  const traffic = extract(dir);
  fs.writeFileSync(output, `${JSON.stringify(traffic, null, 1)}\n`);
  const requests = traffic.suites.flatMap((suite) => suite.tests).reduce((sum, test) => sum + test.requests.length, 0);
  console.log(`${output}: ${traffic.suites.length} suites, ${traffic.suites.reduce((sum, suite) => sum + suite.tests.length, 0)} tests, ${requests} requests`);
}
