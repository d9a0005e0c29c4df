import fs from 'node:fs';
import path from 'node:path';
import { workflowBundleVariable } from '../../src/workflowBundle';
import { repoRoot, resolvedCompose } from './support/composeModel';
import { execForm, instructions, parseDockerfile, stageEnvironment, type Stage } from './support/dockerfile';

const model = resolvedCompose(['docker-compose.yml']);
const worker = model.services.worker;
const dockerfilePath = path.resolve(worker.build!.context, worker.build!.dockerfile!);
const dockerfile = parseDockerfile(fs.readFileSync(dockerfilePath, 'utf8'));
const runtime = dockerfile.stages[dockerfile.stages.length - 1];
const stageNamed = (name: string): Stage => {
  const stage = dockerfile.stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`${dockerfilePath} has no stage '${name}'`);
  return stage;
};
/** `COPY --from=stage src dest` lines of a stage, as [stage, src, dest]. */
const copiesFrom = (stage: Stage) =>
  instructions(stage, 'COPY')
    .map((args) => /^--from=(\S+)\s+(\S+)\s+(\S+)$/.exec(args))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, from, source, target]) => ({ from, source, target }));
/** The stage a stage builds on, through `FROM <stage>`, up to the base image. */
const lineage = (stage: Stage): Stage[] => {
  const parent = dockerfile.stages.find((candidate) => candidate.name === stage.base);
  return parent ? [stage, ...lineage(parent)] : [stage];
};
const dockerignore = fs.readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));

describe('the image the compose file builds (deploy/Dockerfile)', () => {
  test('the compose file builds deploy/Dockerfile from the repository root, one image for all its services', () => {
    expect(path.relative(repoRoot, dockerfilePath)).toBe(path.join('deploy', 'Dockerfile'));
    expect(path.resolve(worker.build!.context)).toBe(repoRoot);
    const built = Object.values(model.services).filter((service) => service.build);
    expect(built.map((service) => service.name).sort()).toEqual(['azurite', 'batch-emulator', 'worker']);
    expect(new Set(built.map((service) => service.image)).size).toBe(1);
  });

  test('is multi-stage, and the runtime stage runs as an unprivileged user', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    const users = instructions(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
    // Nothing after USER needs root, and USER comes after the last RUN.
    const lastUser = runtime.instructions.map((i) => i.keyword).lastIndexOf('USER');
    expect(runtime.instructions.slice(lastUser).some((i) => i.keyword === 'RUN')).toBe(false);
  });

  test('node_modules in the runtime stage come from `npm ci --omit=dev`, and nothing installs dev dependencies there', () => {
    const modules = copiesFrom(runtime).find((copy) => copy.target.replace(/\/$/, '').endsWith('node_modules'));
    expect(modules).toBeDefined();
    const installs = lineage(stageNamed(modules!.from)).flatMap((stage) => instructions(stage, 'RUN')).filter((run) => /\bnpm (ci|install)\b/.test(run));
    expect(installs).toEqual([expect.stringMatching(/\bnpm ci\b.*--omit=dev/)]);
    for (const run of instructions(runtime, 'RUN')) expect(run).not.toMatch(/\bnpm (ci|install|i)\b/);
  });

  test('prebuilds the workflow bundle and points the worker at it', () => {
    const bundleRun = dockerfile.stages.flatMap((stage) => instructions(stage, 'RUN').map((run) => ({ stage, run }))).find(({ run }) => run.includes('src/workflowBundle.ts'));
    expect(bundleRun).toBeDefined();
    const output = bundleRun!.run.split(/\s+/)[bundleRun!.run.split(/\s+/).indexOf('src/workflowBundle.ts') + 1];
    const workdir = instructions(bundleRun!.stage, 'WORKDIR').pop() ?? instructions(lineage(bundleRun!.stage).at(-1)!, 'WORKDIR').pop();
    const built = path.posix.resolve(workdir ?? '/app', output);
    const copy = copiesFrom(runtime).find((candidate) => candidate.from === bundleRun!.stage.name && path.posix.resolve('/app', candidate.source) === built);
    expect(copy).toBeDefined();
    const runtimeWorkdir = instructions(runtime, 'WORKDIR').pop()!;
    expect(stageEnvironment(runtime)[workflowBundleVariable]).toBe(path.posix.resolve(runtimeWorkdir, copy!.target));
  });

  test('the image’s default command is the compose workers’ command', () => {
    expect(execForm(instructions(runtime, 'CMD').pop()!)).toEqual(worker.command);
  });

  test('everything it copies from the build context exists and is not ignored; local state and credentials are', () => {
    const sources = dockerfile.stages
      .flatMap((stage) => instructions(stage, 'COPY'))
      .filter((args) => !args.startsWith('--from='))
      .flatMap((args) => args.split(/\s+/).filter((part) => !part.startsWith('--')).slice(0, -1));
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src']));
    for (const source of sources) {
      expect({ source, exists: fs.existsSync(path.join(repoRoot, source)) }).toEqual({ source, exists: true });
      expect({ source, ignored: dockerignore.includes(source) }).toEqual({ source, ignored: false });
    }
    expect(dockerignore).toEqual(expect.arrayContaining(['node_modules', '.data', '.tools', '.git', '**/connections.json']));
  });
});
