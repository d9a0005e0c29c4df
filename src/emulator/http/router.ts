import { ErrorFactory } from '../errors/errorFactory';
import type { BatchRequest } from './request';
import type { HandlerResult } from './result';

export type Handler = (request: BatchRequest, params: Record<string, string>) => HandlerResult | Promise<HandlerResult>;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

/**
 * Maps `METHOD path/{param}/...` to handlers. A trailing `{*name}` takes the rest of
 * the path, so a file path may arrive with its slashes encoded (%2F) or not.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  resolve(method: string, path: string): { handler: Handler; params: Record<string, string> } {
    const parts = path.split('/').filter(Boolean).map(decodeSegment);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = match(route.segments, parts);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params };
      allowed.push(route.method);
    }
    if (allowed.length) throw ErrorFactory.unsupportedHttpVerb(method, allowed);
    throw ErrorFactory.invalidUri(path);
  }
}

function match(pattern: string[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const segment = pattern[i];
    if (segment.startsWith('{*')) {
      if (i >= parts.length) return undefined;
      params[segment.slice(2, -1)] = parts.slice(i).join('/');
      return params;
    }
    if (i >= parts.length) return undefined;
    if (segment.startsWith('{')) params[segment.slice(1, -1)] = parts[i];
    else if (segment.toLowerCase() !== parts[i].toLowerCase()) return undefined;
  }
  return parts.length === pattern.length ? params : undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw ErrorFactory.invalidUri(segment);
  }
}
