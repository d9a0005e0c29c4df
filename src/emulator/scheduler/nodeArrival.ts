import { timestamp } from '../model/timestamp';
import type { NodeRecord } from '../model/types';
import type { BatchStore } from '../store/store';

const storeKey = (poolId: string): string => poolId.toLowerCase();

interface Arrival {
  poolId: string;
  nodeIds: string[];
  timers: NodeJS.Timeout[];
  /** Called once the nodes are idle; not after a stop. */
  onArrived?: () => void;
}

/**
 * Nodes a resize adds do not arrive at once: they are `creating` (allocated, not yet booted),
 * then `starting` half way through the resize, then `idle` when it ends, as Batch's nodes do
 * over minutes. One arrival per pool at a time (Batch refuses a resize while one is under way).
 */
export class NodeArrivals {
  private readonly arrivals = new Map<string, Arrival>();

  constructor(private readonly store: BatchStore) {}

  underWay(poolId: string): boolean {
    return this.arrivals.has(storeKey(poolId));
  }

  /** The nodes (already stored as `creating`) start after `durationMs / 2` and are idle after `durationMs`. */
  begin(poolId: string, nodeIds: string[], durationMs: number, onArrived: () => void): void {
    this.cancel(poolId);
    const arrival: Arrival = { poolId, nodeIds, timers: [], onArrived };
    arrival.timers.push(
      setTimeout(() => this.boot(arrival), durationMs / 2),
      setTimeout(() => this.finish(arrival), durationMs),
    );
    for (const timer of arrival.timers) timer.unref();
    this.arrivals.set(storeKey(poolId), arrival);
  }

  /** Finishes the pool's arrival now: its nodes are idle and the resize is over. */
  complete(poolId: string): boolean {
    const arrival = this.arrivals.get(storeKey(poolId));
    if (!arrival) return false;
    this.finish(arrival);
    return true;
  }

  /**
   * A stopped resize: nodes not yet booting are given up (returned so the caller removes them);
   * those already starting still become idle at the end, but the resize no longer reports arriving.
   */
  stop(poolId: string): NodeRecord[] {
    const arrival = this.arrivals.get(storeKey(poolId));
    if (!arrival) return [];
    const given = this.nodesOf(arrival).filter((node) => node.state === 'creating');
    arrival.nodeIds = arrival.nodeIds.filter((id) => !given.some((node) => node.id === id));
    arrival.onArrived = undefined;
    return given;
  }

  cancel(poolId: string): void {
    const arrival = this.arrivals.get(storeKey(poolId));
    if (!arrival) return;
    for (const timer of arrival.timers) clearTimeout(timer);
    this.arrivals.delete(storeKey(poolId));
  }

  close(): void {
    for (const arrival of [...this.arrivals.values()]) this.cancel(arrival.poolId);
  }

  private boot(arrival: Arrival): void {
    this.advance(arrival, 'creating', 'starting');
  }

  private finish(arrival: Arrival): void {
    for (const timer of arrival.timers) clearTimeout(timer);
    if (this.arrivals.get(storeKey(arrival.poolId)) === arrival) this.arrivals.delete(storeKey(arrival.poolId));
    this.advance(arrival, 'creating', 'idle');
    this.advance(arrival, 'starting', 'idle');
    arrival.onArrived?.();
  }

  private advance(arrival: Arrival, from: NodeRecord['state'], to: NodeRecord['state']): void {
    const now = timestamp();
    for (const node of this.nodesOf(arrival)) {
      if (node.state !== from) continue;
      node.state = to;
      node.stateTransitionTime = now;
      if (to === 'idle') node.lastBootTime = now;
      this.store.saveNode(node);
    }
  }

  private nodesOf(arrival: Arrival): NodeRecord[] {
    return arrival.nodeIds.map((id) => this.store.getNode(arrival.poolId, id)).filter((node): node is NodeRecord => node !== undefined);
  }
}
