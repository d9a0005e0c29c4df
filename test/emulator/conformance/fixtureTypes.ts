/**
 * The committed fixture's shape: facts about real Batch traffic, taken from the Azure SDK for
 * JavaScript's test recordings by `extract.ts`. Ids are renamed, secrets replaced, and response
 * bodies reduced to what the replay compares.
 */

/** The five headers whose presence the replay compares. */
export const COMPARED_HEADERS = ['ETag', 'Last-Modified', 'request-id', 'DataServiceId', 'Location'] as const;
export type ComparedHeader = (typeof COMPARED_HEADERS)[number];

export interface ReplayRequest {
  /** The data-plane spec's operation id, e.g. `Task_Add`. */
  operation: string;
  method: string;
  /** Path with ids renamed; `{node:N}` is the pool's N-th node as the node list orders them. */
  path: string;
  /** api-version and the OData / paging parameters, as sent. */
  query: Record<string, string>;
  body?: unknown;
}

export interface Expectation {
  status: number;
  /** The error body's `code`, when the answer is an error. */
  code?: string;
  /** Top-level keys of the response body, sorted; absent when the body is empty. */
  keys?: string[];
  /** For lists: every key any listed item had, sorted. */
  itemKeys?: string[];
  headers: Record<ComparedHeader, boolean>;
}

export interface RecordedRequest extends ReplayRequest {
  expect: Expectation;
  /**
   * The test sent this request again and again until the answer met a condition (the spec's
   * wait loop); the replay does the same, and the expectation is the last answer recorded.
   */
  pollUntil?: Condition;
}

/**
 * Dotted paths into a JSON answer and the value each must have. A segment `name[]` requires a
 * non-empty array whose every element satisfies the rest of the path; `name[]` alone with `true`
 * only requires the array to be non-empty.
 */
export type Condition = Record<string, string | number | boolean>;

/** A request the replay sends that the recording does not hold: what the suite's hooks did. */
export interface SetupStep extends ReplayRequest {
  /** After sending, poll a GET of `path` (the entity the step changed) until its answer meets `until`. */
  waitFor?: { path: string; query: Record<string, string>; until: Condition };
}

export interface RecordedTest {
  name: string;
  /** The recording's file name and the commit it was read at. */
  recording: string;
  commit: string;
  /** Why this recording is not replayed: it needs what an emulator cannot have. */
  outOfScope?: string;
  /** Steps before this test's requests (state the real service reached on its own meanwhile). */
  before?: SetupStep[];
  beforeReason?: string;
  requests: RecordedRequest[];
}

export interface RecordedSuite {
  name: string;
  /** The spec file whose hooks and test order the suite follows. */
  spec: string;
  setup: SetupStep[];
  setupReason?: string;
  tests: RecordedTest[];
}

export interface RecordedTraffic {
  source: { repository: string; path: string; note: string };
  suites: RecordedSuite[];
}
