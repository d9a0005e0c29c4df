import { signedFetch, waitFor } from '../harness';
import { meets } from './condition';
import { COMPARED_HEADERS, type Condition, type Expectation, type RecordedRequest, type RecordedSuite, type RecordedTest, type ReplayRequest, type SetupStep } from './fixtureTypes';

/** What the emulator answered, reduced the way the fixture reduces the recorded answer. */
export type Observation = Expectation;

export interface ReplayedRequest {
  suite: string;
  test: string;
  /** Position of the request in its test. */
  index: number;
  request: RecordedRequest;
  observed: Observation;
}

interface Answer {
  observation: Observation;
  body: unknown;
}

const POLL_DEADLINE_MS = 30_000;

/** What a suite's hooks did before its tests: sent once per suite, before its first test. */
export async function setUpSuite(sender: Sender, suite: RecordedSuite): Promise<void> {
  for (const step of suite.setup) await sender.setup(step, `${suite.name} setup`);
}

/** One recorded test's requests, in order, after the steps that must precede it. */
export async function replayTest(sender: Sender, suite: RecordedSuite, test: RecordedTest): Promise<ReplayedRequest[]> {
  for (const step of test.before ?? []) await sender.setup(step, `${suite.name} / ${test.name} (before)`);
  const replayed: ReplayedRequest[] = [];
  for (const [index, request] of test.requests.entries()) {
    const observed = request.pollUntil ? await sender.poll(request, request.pollUntil) : (await sender.send(request)).observation;
    replayed.push({ suite: suite.name, test: test.name, index, request, observed });
  }
  return replayed;
}

/** Signs requests with SharedKey, as the SDKs do, and reduces the answers for comparison. */
export class Sender {
  constructor(private readonly baseUrl: string) {}

  async setup(step: SetupStep, where: string): Promise<void> {
    const answer = await this.send(step);
    if (answer.observation.status >= 400) throw new Error(`${where}: ${step.method} ${step.path} answered ${answer.observation.status} ${answer.observation.code ?? ''}`);
    if (step.waitFor) {
      const { path: entity, query, until } = step.waitFor;
      const read: ReplayRequest = { operation: 'Pool_Get', method: 'GET', path: entity, query };
      await waitFor(() => this.send(read), (result) => meets(result.body, until), POLL_DEADLINE_MS, `${where}: ${entity} ${JSON.stringify(until)}`);
    }
  }

  /** Polls as the recorded test did; after the deadline the last answer stands (and is compared). */
  async poll(request: ReplayRequest, until: Condition): Promise<Observation> {
    const deadline = Date.now() + POLL_DEADLINE_MS;
    for (;;) {
      const answer = await this.send(request);
      if (meets(answer.body, until) || Date.now() > deadline) return answer.observation;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async send(request: ReplayRequest): Promise<Answer> {
    const pathName = await this.resolveNodes(request.path, request.query['api-version']);
    const url = new URL(this.baseUrl + pathName.split('/').map(encodeURIComponent).join('/'));
    for (const [name, value] of Object.entries(request.query)) url.searchParams.set(name, value);
    const response = await signedFetch(url.toString(), request.method, request.body === undefined ? {} : { body: JSON.stringify(request.body) });
    const body = parse(response.text, response.headers.get('content-type'));
    return { observation: observe(response.status, response.headers, body), body };
  }

  /** `{node:N}` → the N-th node of the pool named earlier in the path, as the emulator lists them. */
  private async resolveNodes(pathName: string, apiVersion: string): Promise<string> {
    const match = /^\/pools\/([^/]+)\/nodes\/\{node:(\d+)\}/.exec(pathName);
    if (!match) return pathName;
    const response = await signedFetch(`${this.baseUrl}/pools/${encodeURIComponent(match[1])}/nodes?api-version=${apiVersion}`, 'GET');
    const nodes = (JSON.parse(response.text) as { value?: Array<{ id: string }> }).value ?? [];
    const node = nodes[Number(match[2])];
    if (!node) throw new Error(`Pool ${match[1]} has no node ${match[2]} (it has ${nodes.length}).`);
    return pathName.replace(`{node:${match[2]}}`, node.id);
  }
}

function parse(text: string, contentType: string | null): unknown {
  if (!text || !contentType?.includes('json')) return undefined;
  return JSON.parse(text);
}

export function observe(status: number, headers: Headers, body: unknown): Observation {
  const observation: Observation = {
    status,
    headers: Object.fromEntries(COMPARED_HEADERS.map((name) => [name, headers.has(name)])) as Observation['headers'],
  };
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    observation.keys = Object.keys(record).sort();
    if (status >= 400 && typeof record.code === 'string') observation.code = record.code;
    if (Array.isArray(record.value) && record.value.length) {
      observation.itemKeys = [...new Set(record.value.flatMap((item: unknown) => (item && typeof item === 'object' ? Object.keys(item) : [])))].sort();
    }
  }
  return observation;
}
