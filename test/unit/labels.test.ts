import { jobHeadline, jobStaticSummary } from '../../src/model/workflowSummary';
import { parseLabelAssignment, parseNamePattern } from '../../src/model/labels';
import { parseWorkflowInput, singleJobInputSchema } from '../../src/model/workflowInputs';
import { listJobsQuery } from '../../src/client/jobListing';
import { batchEnvironment } from '../../src/client';

const input = { environment: { poolId: 'local', connection: 'local' }, body: { kind: 'command', commandLine: 'true' } };

describe("a job's name and labels", () => {
  it('are part of the workflow input, checked there', () => {
    const parsed = parseWorkflowInput(singleJobInputSchema, { ...input, name: 'nightly-train', labels: { team: 'vision', run: '42' } });
    expect(parsed).toMatchObject({ name: 'nightly-train', labels: { team: 'vision', run: '42' } });
  });

  it.each([
    [{ name: 'nightly train' }, /^name must be 1 to 63 letters, digits, '\.', '_' or '-', starting with a letter or digit; got 'nightly train'\.$/],
    [{ name: 'x'.repeat(64) }, /^name must be 1 to 63/],
    [{ labels: { 'team=x': 'vision' } }, /^labels: the key 'team=x' must be 1 to 63 letters.*no '='/],
    [{ labels: { team: 'it\'s' } }, /^labels\.team: the value 'it's' must be at most 256 characters, none of them a control character, a quote or a backslash/],
    [{ labels: { team: 'a\nb' } }, /^labels\.team: the value/],
    [{ labels: { team: 'v'.repeat(257) } }, /^labels\.team: the value/],
    [{ labels: { team: 7 } }, /^labels\.team: each label value must be a string; got 7\.$/],
    [{ labels: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }, /^labels: a job has at most 16 labels; got 17\.$/],
  ])('refuses %j naming the field and what is allowed', (extra, message) => {
    expect(() => parseWorkflowInput(singleJobInputSchema, { ...input, ...extra })).toThrow(message);
  });

  it('parse from KEY=VALUE, refusing what is not one', () => {
    expect(parseLabelAssignment('team=vision')).toEqual(['team', 'vision']);
    expect(parseLabelAssignment('run=')).toEqual(['run', '']);
    expect(() => parseLabelAssignment('team')).toThrow("label 'team' must be KEY=VALUE, e.g. team=vision.");
    expect(() => parseLabelAssignment('=vision')).toThrow('must be KEY=VALUE');
  });

  it('filter a listing by name (a prefix with *) and by every label asked for', () => {
    const env = batchEnvironment({ poolId: 'local' });
    expect(listJobsQuery(env, { name: 'nightly*', labels: { team: 'vision', run: '42' } })).toBe(
      "RemoteBatchEnvironment = 'local/local' AND RemoteBatchName STARTS_WITH 'nightly' AND RemoteBatchLabels = 'team=vision' AND RemoteBatchLabels = 'run=42'",
    );
    expect(listJobsQuery(env, { name: 'nightly-train' })).toContain("RemoteBatchName = 'nightly-train'");
    expect(parseNamePattern('*')).toEqual({ prefix: '' });
    expect(() => parseNamePattern('night*ly')).toThrow("name filter 'night*ly' must be a name");
  });
});

describe("a job's one-line summaries", () => {
  const settings = { containerImage: 'node:20-slim', jobPriority: 0, vcpuCount: 1 };

  it('start with the name', () => {
    const summary = jobStaticSummary({ type: 'Array', name: 'nightly-train', poolId: 'local', runs: { kind: 'command', commandLine: 'true' }, settings, childCount: 1000 });
    expect(summary).toBe('nightly-train · Array job of 1,000 children on pool local: command `true` · priority 0 · 1 vCPU');
  });

  it("say how far an array is: children done of all, and how many failed", () => {
    expect(jobHeadline({ name: 'nightly-train', status: 'Active', childCount: 1000, counts: { succeeded: 809, failed: 3 } })).toBe('nightly-train · 812 of 1,000 done · 3 failed');
    expect(jobHeadline({ status: 'Active', childCount: 4, counts: { succeeded: 1, failed: 0 } })).toBe('1 of 4 done');
    expect(jobHeadline({ name: 'ingest', status: 'Running' })).toBe('ingest · Running');
  });
});
