import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ErrorFactory } from '../errors/errorFactory';

/** How far the request's date may be from ours before the signature counts as stale. */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received (still percent-encoded). */
  rawUrl: string;
  headers: IncomingHttpHeaders;
}

const STANDARD_HEADERS = [
  'content-encoding',
  'content-language',
  'content-length',
  'content-md5',
  'content-type',
  'date',
  'if-modified-since',
  'if-match',
  'if-none-match',
  'if-unmodified-since',
  'range',
] as const;

/**
 * Checks `Authorization: SharedKey <account>:<signature>` the way the Batch service does:
 * HMAC-SHA256 with the account key over verb, standard headers, `ocp-*` headers and the
 * canonicalized resource (`/account/path` plus sorted, decoded query parameters).
 */
export function verifySharedKey(request: SignedRequest, accountName: string, accountKey: Buffer, now: Date): void {
  const authorization = header(request.headers, 'authorization');
  if (!authorization) throw ErrorFactory.authenticationFailed('The Authorization header is missing.');
  const match = /^SharedKey ([^:]+):(.+)$/.exec(authorization);
  if (!match) throw ErrorFactory.authenticationFailed(`The Authorization header '${authorization}' is not of the form 'SharedKey <account>:<signature>'.`);
  const [, account, signature] = match;
  if (account !== accountName) {
    throw ErrorFactory.authenticationFailed(`The account name '${account}' in the Authorization header does not match this account ('${accountName}').`);
  }

  const dateText = header(request.headers, 'ocp-date') || header(request.headers, 'date');
  if (!dateText) throw ErrorFactory.authenticationFailed('Neither the ocp-date nor the Date header is present.');
  const date = Date.parse(dateText);
  if (Number.isNaN(date)) throw ErrorFactory.authenticationFailed(`The date header '${dateText}' is not a valid RFC 1123 date.`);
  if (Math.abs(now.getTime() - date) > MAX_CLOCK_SKEW_MS) {
    throw ErrorFactory.authenticationFailed(`Request date header too old or too far in the future: '${dateText}'; the server time is '${now.toUTCString()}'.`);
  }

  const candidates = stringsToSign(request, accountName);
  const given = Buffer.from(signature, 'base64');
  for (const candidate of candidates) {
    const expected = createHmac('sha256', accountKey).update(candidate, 'utf8').digest();
    if (expected.length === given.length && timingSafeEqual(expected, given)) return;
  }
  throw ErrorFactory.authenticationFailed(
    `The MAC signature found in the HTTP request '${signature}' is not the same as any computed signature. Server used following string to sign: '${candidates[0]}'.`,
  );
}

/**
 * Every string a correct client may have signed. SDKs differ in two details the
 * service tolerates: an empty body signed as length "0" or as "", and the path
 * signed encoded or decoded.
 */
export function stringsToSign(request: SignedRequest, accountName: string): string[] {
  const url = new URL(request.rawUrl, 'http://emulator');
  const contentLength = header(request.headers, 'content-length');
  const lengths = contentLength === '0' ? ['0', ''] : [contentLength];
  if (!contentLength && request.method !== 'GET' && request.method !== 'HEAD') lengths.push('0');
  const paths = [url.pathname];
  const decodedPath = safeDecode(url.pathname);
  if (decodedPath !== url.pathname) paths.push(decodedPath);

  const results: string[] = [];
  for (const length of lengths) {
    for (const path of paths) {
      const standard = STANDARD_HEADERS.map((name) => (name === 'content-length' ? length : header(request.headers, name))).join('\n');
      results.push(`${request.method}\n${standard}\n${canonicalizedHeaders(request.headers)}${canonicalizedResource(accountName, path, url.search)}`);
    }
  }
  return results;
}

function canonicalizedHeaders(headers: IncomingHttpHeaders): string {
  return Object.keys(headers)
    .filter((name) => name.startsWith('ocp-') && header(headers, name) !== '')
    .sort()
    .map((name) => `${name}:${header(headers, name)}\n`)
    .join('');
}

function canonicalizedResource(accountName: string, path: string, search: string): string {
  const values = new Map<string, string>();
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const separator = part.indexOf('=');
    const name = safeDecode((separator < 0 ? part : part.slice(0, separator)).replace(/\+/g, ' '));
    const value = separator < 0 ? '' : safeDecode(part.slice(separator + 1).replace(/\+/g, ' '));
    // The first occurrence wins, as in the client's query parser.
    if (!values.has(name)) values.set(name, value);
  }
  const names = [...values.keys()].sort();
  return `/${accountName}${path}` + names.map((name) => `\n${name}:${values.get(name)}`).join('');
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
