import { ErrorFactory } from '../errors/errorFactory';
import { headerValue, type BatchRequest } from '../http/request';
import { empty, json, type EmptyResult, type JsonResult } from '../http/result';
import type { JsonObject } from '../model/types';
import { etagMatches } from '../protocol/etag';
import { metadataUrl } from '../protocol/serialize';

export interface Versioned {
  eTag: string;
  lastModified: string;
}

export function entityHeaders(record: Versioned): Record<string, string> {
  const headers: Record<string, string> = { 'Last-Modified': new Date(record.lastModified).toUTCString() };
  if (record.eTag) headers.ETag = record.eTag;
  return headers;
}

/** 201 Created as Batch answers an add: no body, the new entity's URL in DataServiceId. */
export function created(url: string, record: Versioned): EmptyResult {
  return empty(201, { ...entityHeaders(record), DataServiceId: url, Location: url });
}

/** 200/202/204 after a change: the entity's new version, and the URL the change was asked at in DataServiceId, as Batch answers. */
export function changed(status: number, request: BatchRequest, record: Versioned): EmptyResult {
  return empty(status, { ...entityHeaders(record), DataServiceId: `${request.baseUrl}${request.path}` });
}

/** The entity's version only (a reactivated task, a pool that exists): Batch sends no DataServiceId there. */
export function versioned(status: number, record: Versioned): EmptyResult {
  return empty(status, entityHeaders(record));
}

/** A GET of one entity; `record` gives ETag and Last-Modified where the entity has them (a node has neither). */
export function entity(request: BatchRequest, fragment: string, body: JsonObject, record?: Versioned): JsonResult {
  const selected = applySelect(request, body);
  return json(200, { 'odata.metadata': metadataUrl(request.baseUrl, fragment), ...selected }, record ? entityHeaders(record) : undefined);
}

/** `$select=id,state`: only the named top-level properties are returned. */
export function applySelect(request: BatchRequest, body: JsonObject): JsonObject {
  const select = request.query.get('$select');
  if (!select) return body;
  const names = select.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) {
    if (!/^[A-Za-z][A-Za-z0-9]*(\/[A-Za-z][A-Za-z0-9]*)*$/.test(name)) {
      throw ErrorFactory.invalidQueryParameterValue('$select', select, `'${name}' is not a property name.`);
    }
  }
  const result: JsonObject = {};
  for (const name of names) {
    const top = name.split('/')[0];
    if (body[top] !== undefined) result[top] = body[top];
  }
  return result;
}

/**
 * HTTP conditions as Batch applies them: `If-Match` / `If-None-Match` against the
 * ETag, `If-Modified-Since` / `If-Unmodified-Since` against Last-Modified (to the second).
 * A read whose condition fails gets 304; a write gets 412.
 */
export function checkConditions(request: BatchRequest, record: Versioned, kind: 'read' | 'write'): void {
  const ifMatch = headerValue(request, 'if-match');
  const ifNoneMatch = headerValue(request, 'if-none-match');
  const ifModifiedSince = headerValue(request, 'if-modified-since');
  const ifUnmodifiedSince = headerValue(request, 'if-unmodified-since');
  const modified = Math.floor(Date.parse(record.lastModified) / 1000);
  if (ifMatch && !etagMatches(ifMatch, record.eTag)) throw ErrorFactory.conditionNotMet(false);
  if (ifUnmodifiedSince && modified > Math.floor(parseHttpDate(ifUnmodifiedSince, 'If-Unmodified-Since') / 1000)) throw ErrorFactory.conditionNotMet(false);
  if (ifNoneMatch && etagMatches(ifNoneMatch, record.eTag)) throw ErrorFactory.conditionNotMet(kind === 'read');
  if (ifModifiedSince && modified <= Math.floor(parseHttpDate(ifModifiedSince, 'If-Modified-Since') / 1000)) throw ErrorFactory.conditionNotMet(kind === 'read');
}

function parseHttpDate(text: string, header: string): number {
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw ErrorFactory.invalidHeaderValue(header, text, 'The value must be an RFC 1123 date.');
  return time;
}
