import fs from 'node:fs';
import path from 'node:path';

export interface MatchedFile {
  absolutePath: string;
  /** Path below the pattern's fixed prefix, with `/` separators; names the blob. */
  relativePath: string;
}

const WILDCARD = /[*?[]/;

export function hasWildcard(pattern: string): boolean {
  return WILDCARD.test(pattern);
}

/**
 * Files matching a Batch output file pattern, relative to the working directory:
 * `*` and `?` within a name, `[abc]` classes, `**` for any depth, and leading `../`
 * to reach the task directory (`../std*.txt`). Only files match, never directories.
 */
export async function matchFiles(workingDir: string, pattern: string): Promise<MatchedFile[]> {
  const segments = pattern.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
  const firstWild = segments.findIndex((s) => WILDCARD.test(s));
  if (firstWild < 0) {
    const absolutePath = path.resolve(workingDir, ...segments);
    const stat = await fs.promises.stat(absolutePath).catch(() => undefined);
    return stat?.isFile() ? [{ absolutePath, relativePath: path.basename(absolutePath) }] : [];
  }
  const base = path.resolve(workingDir, ...segments.slice(0, firstWild));
  const matchers = segments.slice(firstWild).map((s) => (s === '**' ? '**' : segmentRegex(s)));
  const results: MatchedFile[] = [];
  await walk(base, '', matchers, results);
  results.sort((a, b) => a.relativePath.localeCompare(b.relativePath));
  return results;
}

async function walk(dir: string, relative: string, matchers: Array<RegExp | '**'>, out: MatchedFile[]): Promise<void> {
  if (matchers.length === 0) return;
  const entries = await fs.promises.readdir(dir, { withFileTypes: true }).catch(() => []);
  const [head, ...rest] = matchers;
  if (head === '**') {
    // `**` matches zero directories here ...
    if (rest.length) await walk(dir, relative, rest, out);
    for (const entry of entries) {
      const childRelative = relative ? `${relative}/${entry.name}` : entry.name;
      const child = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(child, childRelative, matchers, out); // ... or one more
      else if (entry.isFile() && rest.length === 0) out.push({ absolutePath: child, relativePath: childRelative });
    }
    return;
  }
  for (const entry of entries) {
    if (!head.test(entry.name)) continue;
    const childRelative = relative ? `${relative}/${entry.name}` : entry.name;
    const child = path.join(dir, entry.name);
    if (rest.length === 0) {
      if (entry.isFile()) out.push({ absolutePath: child, relativePath: childRelative });
    } else if (entry.isDirectory()) {
      await walk(child, childRelative, rest, out);
    }
  }
}

function segmentRegex(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i];
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const close = segment.indexOf(']', i + 1);
      if (close < 0) source += '\\[';
      else {
        let body = segment.slice(i + 1, close);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        source += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
