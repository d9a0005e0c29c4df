import { runCli } from './support/cli';

describe('remote-batch env --check and the workers', () => {
  it("says the stack's worker polls the task queue", async () => {
    const shown = await runCli(['env', '--check']);
    expect(shown.code).toBe(0);
    // A worker another suite killed a moment ago may still count: Temporal saw it poll within the window.
    expect(shown.stdout).toMatch(/Workers: \d+ workers? polling task queue 'remote-batch'\./);
    const json = JSON.parse((await runCli(['env', '--check', '--json'])).stdout) as { check: { workersPolling: number } };
    expect(json.check.workersPolling).toBeGreaterThanOrEqual(1);
  });
});
