/** What a handler returns; `http/respond.ts` turns it into bytes on the wire. */
export type HandlerResult = JsonResult | EmptyResult | FileResult;

export interface JsonResult {
  kind: 'json';
  status: number;
  body: object;
  headers?: Record<string, string>;
}

export interface EmptyResult {
  kind: 'empty';
  status: number;
  headers?: Record<string, string>;
}

export interface FileResult {
  kind: 'file';
  status: number;
  path: string;
  /** Inclusive byte range to send; the whole file when absent. */
  range?: { start: number; end: number };
  headers?: Record<string, string>;
}

export const json = (status: number, body: object, headers?: Record<string, string>): JsonResult => ({ kind: 'json', status, body, headers });
export const empty = (status: number, headers?: Record<string, string>): EmptyResult => ({ kind: 'empty', status, headers });
