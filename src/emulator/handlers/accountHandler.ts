import { ErrorFactory } from '../errors/errorFactory';
import type { BatchRequest } from '../http/request';
import type { HandlerResult } from '../http/result';
import { coresOf } from '../model/quotas';
import { timestamp } from '../model/timestamp';
import type { JsonObject } from '../model/types';
import type { BatchStore } from '../store/store';
import { listPage } from './listing';

/** Batch aggregates pool usage in 30-minute intervals. */
const USAGE_INTERVAL_MS = 30 * 60_000;

/** Images a pool may name, as Batch lists them (a Linux subset; the emulator runs every one on the host). */
const SUPPORTED_IMAGES: JsonObject[] = [
  image('almalinux', 'almalinux', '9-gen2', 'batch.node.el 9', 'unverified', ['Generation2VMImage']),
  image('canonical', '0001-com-ubuntu-server-focal', '20_04-lts', 'batch.node.ubuntu 20.04', 'verified'),
  image('canonical', '0001-com-ubuntu-server-jammy', '22_04-lts', 'batch.node.ubuntu 22.04', 'verified', ['DockerCompatible']),
  image('canonical', 'ubuntu-24_04-lts', 'server', 'batch.node.ubuntu 24.04', 'verified'),
  image('debian', 'debian-12', '12', 'batch.node.debian 12', 'verified'),
  image('microsoft-dsvm', 'ubuntu-hpc', '2204', 'batch.node.ubuntu 22.04', 'verified', ['DockerCompatible', 'NvidiaTeslaDriverInstalled']),
];

function image(publisher: string, offer: string, sku: string, nodeAgentSKUId: string, verificationType: string, capabilities?: string[]): JsonObject {
  return { imageReference: { publisher, offer, sku, version: 'latest' }, verificationType, nodeAgentSKUId, ...(capabilities ? { capabilities } : {}), osType: 'linux' };
}

/** Account-level reads: supported images, pool usage metrics, and the retired lifetime statistics. */
export class AccountHandler {
  constructor(private readonly store: BatchStore) {}

  supportedImages(request: BatchRequest): HandlerResult {
    return listPage(request, {
      fragment: 'supportedimages',
      items: SUPPORTED_IMAGES.map((entry, index) => ({ entry, index })),
      positionOf: (item) => item.index,
      toWire: (item) => item.entry,
      filterable: { nodeAgentSKUId: 'string', verificationType: { enum: ['verified', 'unverified'] }, osType: { enum: ['linux', 'windows'] } },
    });
  }

  /**
   * Core hours of each pool per 30-minute interval, from its nodes' allocation times up to now
   * (the interval under way included), between `starttime` and `endtime` when given.
   */
  poolUsageMetrics(request: BatchRequest): HandlerResult {
    const now = Date.now();
    const from = parseTime(request, 'starttime') ?? 0;
    const to = parseTime(request, 'endtime') ?? now;
    const entries: JsonObject[] = [];
    for (const pool of this.store.listPools().sort((a, b) => a.creationTime.localeCompare(b.creationTime))) {
      const cores = coresOf(pool.vmSize);
      const allocations = this.store
        .listNodes(pool.id)
        .filter((node) => node.state !== 'leavingpool')
        .map((node) => Date.parse(node.allocationTime));
      if (!allocations.length) continue;
      const first = Math.max(Math.floor(Math.min(...allocations) / USAGE_INTERVAL_MS) * USAGE_INTERVAL_MS, Math.floor(from / USAGE_INTERVAL_MS) * USAGE_INTERVAL_MS);
      for (let start = first; start < Math.min(now, to); start += USAGE_INTERVAL_MS) {
        const end = start + USAGE_INTERVAL_MS;
        const seconds = allocations.reduce((sum, allocated) => sum + Math.max(0, Math.min(end, now) - Math.max(start, allocated)) / 1000, 0);
        entries.push({ poolId: pool.id, startTime: timestamp(new Date(start)), endTime: timestamp(new Date(end)), vmSize: pool.vmSize, totalCoreHours: (seconds * cores) / 3600 });
      }
    }
    return listPage(request, {
      fragment: 'poolusagemetrics',
      items: entries.map((entry, index) => ({ entry, index })),
      positionOf: (item) => item.index,
      toWire: (item) => item.entry,
      filterable: { poolId: 'string' },
    });
  }

  lifetimeStatistics(): HandlerResult {
    throw ErrorFactory.lifetimeStatsApiRetired();
  }
}

function parseTime(request: BatchRequest, name: string): number | undefined {
  const text = request.query.get(name);
  if (text === null) return undefined;
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw ErrorFactory.invalidQueryParameterValue(name, text, `${name} must be an ISO 8601 date and time.`);
  return time;
}
