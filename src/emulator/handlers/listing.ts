import { ErrorFactory } from '../errors/errorFactory';
import type { BatchRequest } from '../http/request';
import { json, type JsonResult } from '../http/result';
import type { JsonObject } from '../model/types';
import { parseFilter, type CompiledFilter, type FilterableProperties } from '../protocol/odataFilter';
import { metadataUrl } from '../protocol/serialize';
import { applySelect } from './common';

export const MAX_RESULTS = 1000;

export interface ListSpec<T> {
  /** `odata.metadata` fragment, e.g. `tasks`. */
  fragment: string;
  /** Items in a stable order; `positionOf` must grow along it. */
  items: Iterable<T>;
  positionOf(item: T): number;
  toWire(item: T): JsonObject;
  filterable: FilterableProperties;
  /** Every `filterable` property valued as `toWire` values it, built more cheaply; `toWire` when absent. */
  filterView?(item: T): JsonObject;
  /**
   * A superset of the items the filter can match, from an index (in the same order), or
   * undefined to test every item. The filter is still applied to each.
   */
  candidates?(filter: CompiledFilter): Iterable<T> | undefined;
}

/**
 * A Batch list response: `$filter`, then paging by `maxresults` with an opaque
 * `$skiptoken` in `odata.nextLink` (the position after the last item returned, so
 * pages stay consistent while entities are added or removed), then `$select`.
 */
export function listPage<T>(request: BatchRequest, spec: ListSpec<T>): JsonResult {
  const maxResults = parseMaxResults(request);
  const filterText = request.query.get('$filter');
  const compiled = filterText ? parseFilter(filterText, spec.filterable) : undefined;
  const filter = compiled?.matches;
  const after = parseSkipToken(request);
  const items = (compiled && spec.candidates?.(compiled)) ?? spec.items;

  const page: JsonObject[] = [];
  let last: number | undefined;
  let more = false;
  for (const item of items) {
    const position = spec.positionOf(item);
    if (after !== undefined && position <= after) continue;
    let wire: JsonObject | undefined;
    if (filter && !filter(spec.filterView ? spec.filterView(item) : (wire = spec.toWire(item)))) continue;
    if (page.length === maxResults) {
      more = true;
      break;
    }
    page.push(applySelect(request, wire ?? spec.toWire(item)));
    last = position;
  }

  const body: JsonObject = { 'odata.metadata': metadataUrl(request.baseUrl, spec.fragment), value: page };
  if (more && last !== undefined) body['odata.nextLink'] = nextLink(request, last);
  return json(200, body);
}

function parseMaxResults(request: BatchRequest): number {
  const text = request.query.get('maxresults');
  if (text === null) return MAX_RESULTS;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > MAX_RESULTS) {
    throw ErrorFactory.invalidQueryParameterValue('maxresults', text, `maxresults must be an integer from 1 to ${MAX_RESULTS}.`);
  }
  return value;
}

function parseSkipToken(request: BatchRequest): number | undefined {
  const token = request.query.get('$skiptoken');
  if (token === null) return undefined;
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  const match = /^pos:(\d+)$/.exec(decoded);
  if (!match) throw ErrorFactory.invalidQueryParameterValue('$skiptoken', token, 'The continuation token is not one this service issued.');
  return Number(match[1]);
}

function nextLink(request: BatchRequest, last: number): string {
  const query = new URLSearchParams(request.query);
  query.delete('$skiptoken');
  query.set('$skiptoken', Buffer.from(`pos:${last}`).toString('base64url'));
  // Spaces as %20, not '+': some SDKs sign the link's query with '+' left undecoded.
  return `${request.baseUrl}${request.path}?${query.toString().replace(/\+/g, '%20')}`;
}
