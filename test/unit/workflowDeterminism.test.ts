import fs from 'node:fs';
import path from 'node:path';

/**
 * A lint the suite enforces: workflow code (and the pure model it imports) stays
 * deterministic — no Node built-ins, no I/O modules, no activity implementations.
 */
const root = path.resolve(__dirname, '..', '..', 'src');
const deterministicFolders = ['workflows', 'model'];
const builtins = new Set(require('node:module').builtinModules as string[]);
const forbiddenCalls = [/\bMath\.random\(/, /\bsetTimeout\(/, /\bsetInterval\(/, /\bprocess\./, /\brequire\(/];

function sourceFiles(folder: string): string[] {
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? sourceFiles(path.join(folder, entry.name)) : entry.name.endsWith('.ts') ? [path.join(folder, entry.name)] : [],
    );
}

function importsOf(text: string): { specifier: string; typeOnly: boolean }[] {
  return [...text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)].map((match) => ({ specifier: match[2], typeOnly: !!match[1] }));
}

describe.each(deterministicFolders)('src/%s is deterministic', (folder) => {
  const files = sourceFiles(path.join(root, folder));

  it.each(files.map((file) => [path.relative(root, file), file]))('%s imports no Node API and no I/O', (_name, file) => {
    const text = fs.readFileSync(file, 'utf8');
    for (const { specifier, typeOnly } of importsOf(text)) {
      const bare = specifier.replace(/^node:/, '').split('/')[0];
      expect(specifier.startsWith('node:') || builtins.has(bare) ? specifier : 'ok').toBe('ok');
      if (!typeOnly && specifier.startsWith('..')) {
        const target = specifier.replace(/^\.\.\//, '').split('/')[0];
        expect(deterministicFolders.includes(target) ? 'ok' : `value import of ${specifier}`).toBe('ok');
      }
    }
    for (const pattern of forbiddenCalls) expect(text).not.toMatch(pattern);
  });
});
