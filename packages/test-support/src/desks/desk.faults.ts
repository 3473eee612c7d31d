import type { Desk, FaultMode } from './desk.types';

export interface FaultOptions {
  /** status (default): answer 503 with the vendor's error body. destroy: close the socket without answering. */
  mode?: FaultMode;
}

/** Outages and lost replies, per desk. Time-based outages end by themselves; `reset()` ends everything. */
export class DeskFaults {
  private readonly outages = new Map<Desk, { until: number; mode: FaultMode }>();
  private readonly drops = new Map<Desk, { count: number; mode: FaultMode }>();

  /** Every request to `desk` fails for the next `ms` milliseconds (nothing is applied). */
  outage(desk: Desk, ms: number, options: FaultOptions = {}): void {
    this.outages.set(desk, { until: Date.now() + ms, mode: options.mode ?? 'status' });
  }

  /** The next `n` successful writes to `desk` are applied, but their reply is lost (503 or a closed socket). */
  dropResponses(desk: Desk, n: number, options: FaultOptions = {}): void {
    this.drops.set(desk, { count: n, mode: options.mode ?? 'status' });
  }

  reset(): void {
    this.outages.clear();
    this.drops.clear();
  }

  /** How a request arriving now must fail, if `desk` is down. */
  outageNow(desk: Desk): FaultMode | undefined {
    const outage = this.outages.get(desk);
    if (!outage) return undefined;
    if (Date.now() < outage.until) return outage.mode;
    this.outages.delete(desk);
    return undefined;
  }

  /** Consumes one lost reply, if any is pending for `desk`. */
  takeDrop(desk: Desk): FaultMode | undefined {
    const drop = this.drops.get(desk);
    if (!drop || drop.count <= 0) return undefined;
    drop.count -= 1;
    if (drop.count === 0) this.drops.delete(desk);
    return drop.mode;
  }
}
