import { initialArrayJobState } from '../../src/model/jobStates';
import { validateSettings } from '../../src/model/settings';
import { arrayDetails } from '../../src/workflows/currentDetails';

describe("an array's current details in the Temporal UI", () => {
  const state = initialArrayJobState(
    { environment: { poolId: 'p1', connection: 'local' }, body: { kind: 'command', commandLine: 'true' }, settings: validateSettings({}), inputs: [], elementCount: 12, spanSize: 1 },
    'rb-x',
    '2026-01-01T00:00:00Z',
  );
  state.counts = { active: 3, running: 4, succeeded: 4, failed: 1 };
  state.added = 12;
  const text = arrayDetails(state, 'local', '12 of 12 children added.', new Date('2026-05-01T12:00:03.500Z'));
  const lines = text.split('\n');
  const first = lines.findIndex((line) => line.startsWith('- **Active**'));

  it('lists the child counts, one per line, after a blank line (a Markdown list: the UI spaces it as it does the Details)', () => {
    expect(first).toBeGreaterThan(0);
    expect(lines[first - 1]).toBe('');
    expect(lines.slice(first, first + 5)).toEqual([
      '- **Active**: 3',
      '- **Running**: 4',
      '- **Succeeded**: 4',
      '- **Failed**: 1',
      '- **Added to Batch**: 12 of 12',
    ]);
    expect(lines[first + 5]).toBe('');
  });

  it('says when it was last updated', () => {
    expect(text).toContain('_Last updated 2026-05-01 12:00:03 UTC_');
  });
});
