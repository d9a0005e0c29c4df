import path from 'node:path';
import { ensureComposeTool, composeConfig, type ComposeTool } from './composeTool';

// js-yaml is a devDependency; declared here by the one function used.
const yaml = require('js-yaml') as { safeLoad(text: string): unknown };

export interface PublishedPort {
  hostIp: string;
  published: number;
  target: number;
}

export interface Mount {
  source: string;
  target: string;
  bind: boolean;
}

/** One service of a resolved compose file, the same shape whichever Compose resolved it. */
export interface ComposeService {
  name: string;
  image?: string;
  build?: { context: string; dockerfile?: string };
  command: string[];
  entrypoint: string[];
  environment: Record<string, string>;
  ports: PublishedPort[];
  /** Container ports reachable by other services on the network, not published on the host. */
  expose: string[];
  volumes: Mount[];
  dependsOn: Record<string, string>;
  healthcheck?: string[];
  replicas?: number;
  profiles: string[];
  containerName?: string;
  restart?: string;
}

export interface ComposeModel {
  services: Record<string, ComposeService>;
  volumes: string[];
}

type Raw = Record<string, unknown>;

function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

function parsePort(value: unknown): PublishedPort {
  if (typeof value === 'object' && value !== null) {
    const port = value as Raw;
    return { hostIp: String(port.host_ip ?? ''), published: Number(port.published), target: Number(port.target) };
  }
  // "127.0.0.1:7233:7233/tcp" or "7233:7233"
  const parts = String(value).replace(/\/(tcp|udp)$/, '').split(':');
  const target = Number(parts.pop());
  const published = Number(parts.pop());
  return { hostIp: parts.join(':'), published, target };
}

function parseMount(value: unknown): Mount {
  if (typeof value === 'object' && value !== null) {
    const mount = value as Raw;
    return { source: String(mount.source ?? ''), target: String(mount.target), bind: mount.type === 'bind' };
  }
  const [source, target] = String(value).split(':');
  return { source, target, bind: source.startsWith('/') || source.startsWith('.') };
}

function parseService(name: string, raw: Raw): ComposeService {
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries((raw.environment ?? {}) as Raw)) environment[key] = value === null ? '' : String(value);
  const dependsOn: Record<string, string> = {};
  const rawDepends = raw.depends_on;
  if (Array.isArray(rawDepends)) for (const service of rawDepends) dependsOn[String(service)] = 'service_started';
  else for (const [service, spec] of Object.entries((rawDepends ?? {}) as Raw)) dependsOn[service] = String((spec as Raw)?.condition ?? 'service_started');
  const healthcheck = raw.healthcheck as Raw | undefined;
  const deploy = raw.deploy as Raw | undefined;
  const build = raw.build as Raw | undefined;
  return {
    name,
    image: raw.image === undefined ? undefined : String(raw.image),
    build: build ? { context: String(build.context), dockerfile: build.dockerfile === undefined ? undefined : String(build.dockerfile) } : undefined,
    command: asList(raw.command),
    entrypoint: asList(raw.entrypoint),
    environment,
    ports: ((raw.ports ?? []) as unknown[]).map(parsePort),
    expose: asList(raw.expose).map((port) => port.replace(/\/tcp$/, '')),
    volumes: ((raw.volumes ?? []) as unknown[]).map(parseMount),
    dependsOn,
    healthcheck: healthcheck && !healthcheck.disable ? asList(healthcheck.test) : undefined,
    replicas: deploy?.replicas === undefined ? undefined : Number(deploy.replicas),
    profiles: asList(raw.profiles),
    containerName: raw.container_name === undefined ? undefined : String(raw.container_name),
    restart: raw.restart === undefined ? undefined : String(raw.restart),
  };
}

export function parseComposeConfig(text: string): ComposeModel {
  const document = yaml.safeLoad(text) as Raw;
  const services = Object.fromEntries(
    Object.entries((document.services ?? {}) as Raw).map(([name, raw]) => [name, parseService(name, raw as Raw)]),
  );
  return { services, volumes: Object.keys((document.volumes ?? {}) as Raw) };
}

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

let tool: ComposeTool | undefined;

/** The resolved model of compose files at the repository root, as `<compose> config` prints it. */
export function resolvedCompose(files: string[], env: NodeJS.ProcessEnv = {}, extraArgs: string[] = []): ComposeModel {
  tool ??= ensureComposeTool();
  return parseComposeConfig(composeConfig(tool, repoRoot, files, env, extraArgs));
}

/** Services that `up` starts without naming a profile (Compose v2 leaves the others out of `config`). */
export function activeServices(model: ComposeModel): ComposeService[] {
  return Object.values(model.services).filter((service) => service.profiles.length === 0);
}

/** The value after `--flag` in a command, or undefined. */
export function flagValue(command: string[], flag: string): string | undefined {
  const index = command.indexOf(flag);
  return index >= 0 ? command[index + 1] : undefined;
}

/** A path inside the image (WORKDIR /app) as the same file in this checkout. */
export function repoPathOfImagePath(imagePath: string): string {
  return path.join(repoRoot, path.posix.relative('/app', path.posix.resolve('/app', imagePath)));
}
