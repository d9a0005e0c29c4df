import { initialArrayJobState } from '../../src/model/jobStates';
import { validateSettings } from '../../src/model/settings';
import { arrayDetails } from '../../src/workflows/currentDetails';

const cells = (line: string) => line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim());

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
  const header = lines.findIndex((line) => line.startsWith('| Active'));

  it('is a Markdown table: a blank line, a header row, a separator row, a row of counts', () => {
    expect(header).toBeGreaterThan(0);
    expect(lines[header - 1]).toBe('');
    expect(cells(lines[header])).toEqual(['Active', 'Running', 'Succeeded', 'Failed', 'Added to Batch', 'Children']);
    expect(cells(lines[header + 1]).every((cell) => /^:?-{3,}:?$/.test(cell))).toBe(true);
    expect(cells(lines[header + 1])).toHaveLength(6);
    expect(cells(lines[header + 2])).toEqual(['3', '4', '4', '1', '12', '12']);
    expect(lines[header + 3]).toBe('');
  });

  it('says when it was last updated', () => {
    expect(text).toContain('_Last updated 2026-05-01 12:00:03 UTC_');
  });
});
