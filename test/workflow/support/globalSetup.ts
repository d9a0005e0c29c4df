import { ensureTemporalTestServer } from '../../../src/stack/temporalTestServer';

/** Installs Temporal's time-skipping test server once, before the test files (run in parallel) look for it. */
export default function globalSetup(): void {
  ensureTemporalTestServer((line) => console.log(`[workflow tests] ${line}`));
}
