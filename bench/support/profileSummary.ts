/**
 * Where a process's CPU went, from the chunks bench/support/cpuProfilePreload.cjs wrote:
 * self time by package (or by file of this repo), and each sample charged to the
 * innermost frame of this repo's src/ on its stack (which of our calls caused it).
 *
 *   npx tsx bench/support/profileSummary.ts <dir> [--match worker] [--from 2] [--to 9] [--top 25]
 *
 * --from/--to pick chunks by number (1-based, inclusive), e.g. to leave out start-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    match: { type: 'string', default: '' },
    from: { type: 'string', default: '1' },
    to: { type: 'string', default: '100000' },
    top: { type: 'string', default: '25' },
  },
});

/** The package of a frame (node_modules/<pkg>), this repo's file, node's internals, or V8's own bucket. */
function bucketOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName}`;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.startsWith('node:')) return 'node internals';
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1).replace(/^file:\/\//, '');
  return path.basename(url);
}

function ourFrame(frame: CallFrame): string | undefined {
  const src = frame.url.indexOf('/src/');
  if (src < 0 || frame.url.includes('node_modules/')) return undefined;
  return `${frame.url.slice(src + 1)} ${frame.functionName || '(anonymous)'}`;
}

function add(totals: Map<string, number>, key: string, ms: number): void {
  totals.set(key, (totals.get(key) ?? 0) + ms);
}

function print(title: string, totals: Map<string, number>, all: number, top: number): void {
  console.log(`\n${title}`);
  for (const [key, ms] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${(ms / 1000).toFixed(2).padStart(7)} s ${((100 * ms) / all).toFixed(1).padStart(5)}%  ${key}`);
  }
}

function main(): void {
  const dir = positionals[0];
  if (!dir) throw new Error('usage: profileSummary.ts <dir> [--match name] [--from n] [--to n]');
  const files = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile') && name.includes(values.match))
    .sort()
    .filter((name) => {
      const chunk = Number(/-(\d+)\.cpuprofile$/.exec(name)?.[1]);
      return chunk >= Number(values.from) && chunk <= Number(values.to);
    });
  const selfByBucket = new Map<string, number>();
  const byOurCaller = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  let all = 0;
  let wall = 0;
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Profile;
    wall += (profile.endTime - profile.startTime) / 1000;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const caller = new Map<number, string>();
    const callerOf = (id: number): string => {
      const known = caller.get(id);
      if (known !== undefined) return known;
      const node = byId.get(id)!;
      const own = ourFrame(node.callFrame);
      const up = parent.get(id);
      const found = own ?? (up === undefined ? '(no frame of src/)' : callerOf(up));
      caller.set(id, found);
      return found;
    };
    profile.samples.forEach((id, at) => {
      const ms = (profile.timeDeltas[at + 1] ?? 0) / 1000;
      const frame = byId.get(id)!.callFrame;
      if (frame.functionName === '(idle)') return;
      all += ms;
      add(selfByBucket, bucketOf(frame), ms);
      add(selfByFunction, `${frame.functionName || '(anonymous)'} ${bucketOf(frame)}:${frame.lineNumber + 1}`, ms);
      add(byOurCaller, callerOf(id), ms);
    });
  }
  console.log(`${files.length} chunks, ${(wall / 1000).toFixed(1)} s of wall time, ${(all / 1000).toFixed(2)} s busy (idle left out)`);
  const top = Number(values.top);
  print('self time by package or file', selfByBucket, all, top);
  print('self time by function', selfByFunction, all, top);
  print('charged to the innermost frame of src/ on the stack', byOurCaller, all, top);
}

main();
