/** Batch REST path segments that name a collection; the segment after one is an id. */
const batchCollections = new Set([
  'pools',
  'jobs',
  'tasks',
  'subtasksinfo',
  'nodes',
  'jobschedules',
  'certificates',
  'applications',
  'supportedimages',
  'nodecounts',
  'poolusagemetrics',
]);

/**
 * A Batch call's operation with ids left out, so the label has few values:
 * `GET /jobs/{id}/tasks/{id}`, `POST /jobs/{id}/addtaskcollection`,
 * `GET /jobs/{id}/tasks/{id}/files/{path}`.
 */
export function batchOperation(method: string, url: string): string {
  const segments = new URL(url).pathname.split('/').filter((segment) => segment !== '');
  const named: string[] = [];
  for (let at = 0; at < segments.length; at++) {
    const segment = segments[at].toLowerCase();
    named.push(segment);
    if (segment === 'files' && at + 1 < segments.length) {
      named.push('{path}');
      break;
    }
    if (batchCollections.has(segment) && at + 1 < segments.length) {
      named.push('{id}');
      at++;
    }
  }
  return `${method.toUpperCase()} /${named.join('/')}`;
}

/**
 * A Blob Storage call's operation from its query (the path's shape differs
 * between Azure and Azurite's path-style URLs): `PUT blob`, `PUT blob?comp=block`,
 * `GET container?comp=list`, `GET service?comp=list`.
 */
export function storageOperation(method: string, url: string): string {
  const query = new URL(url).searchParams;
  const restype = query.get('restype');
  const comp = query.get('comp');
  const target = restype === 'container' ? 'container' : restype === 'service' || comp === 'list' ? 'service' : 'blob';
  return `${method.toUpperCase()} ${target}${comp ? `?comp=${comp}` : ''}`;
}
