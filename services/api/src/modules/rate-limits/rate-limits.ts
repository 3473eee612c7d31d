import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../../db/database';
import { AppError } from '../../errors';
import { clientNetwork } from '../../lib/client-ip';
import { sha256 } from '../../lib/ids';
import * as repo from './rate-limits.repository';

/**
 * Rate limits shared by every API process through Postgres (S9; NOTES.md beside this file). Keyed by
 * client network (IPv4 address, IPv6 /64), hashed. One statement per hit, or per lease of hits for a network
 * that is busy on this process (below).
 */

export interface Limit {
  /** Counter name; requests in different buckets never share a budget. */
  bucket: string;
  /** Hits allowed per window; the next one is refused until the window ends. */
  limit: number;
  windowSeconds: number;
}

/** The key a client network is counted under (the address itself is not stored). */
export const networkKey = (network: string): Buffer => sha256(`vouchsafe:rate-limit:${network}`);

export const clientKeyOf = (req: Request): Buffer => networkKey(clientNetwork(req.ip));

/** The largest lease: a busy network costs one statement per this many requests at most. */
export const MAX_LEASE = 64;
/** Leases stay below this share of a limit, so what a lease can leave unused at the end of a window is small. */
const LEASE_SHARE = 100;
/** Networks remembered per limit and process before expired entries are swept (or, failing that, all forgotten). */
const MAX_LEASES = 10_000;

/** The largest lease for `limit`: 1 (every hit its own statement, as exact as without leases) below 200 per window. */
export const maxLease = (limit: number): number => Math.max(1, Math.min(MAX_LEASE, Math.floor(limit / LEASE_SHARE)));

/**
 * What this process holds of a network's current window: hits already counted in Postgres and not used yet, or
 * that the window is spent. Never more than the database granted, never past the window's end.
 */
interface Lease {
  /** Counted hits not used yet (0 when spent or blocked). */
  left: number;
  /** Size of the last lease taken in this window; the next one doubles it. */
  size: number;
  /** The window (its end in the database's clock). */
  windowEnd: number;
  /** performance.now() by which the window has surely ended here: the lease is void from then on. */
  expires: number;
  /** The window is spent: answer 429 without asking until it ends. */
  isBlocked: boolean;
}

export function createRateLimits(db: Db) {
  /** Per limit (bucket): network key (hex) → lease. */
  const leasesByBucket = new Map<string, Map<string, Lease>>();

  function leasesOf(bucket: string): Map<string, Lease> {
    let leases = leasesByBucket.get(bucket);
    if (!leases) leasesByBucket.set(bucket, (leases = new Map()));
    return leases;
  }

  /** Forgetting a lease only wastes hits already counted (stricter, never looser): safe at any time. */
  function remember(leases: Map<string, Lease>, key: string, lease: Lease, now: number): void {
    if (leases.size >= MAX_LEASES && !leases.has(key)) {
      for (const [k, l] of leases) if (l.expires <= now) leases.delete(k);
      if (leases.size >= MAX_LEASES) leases.clear();
    }
    leases.set(key, lease);
  }

  /**
   * Counts this request against `limit` for its client network; over the limit: 429 with Retry-After.
   *
   * Leases (NOTES.md): the first request of a network in a window counts one hit, as before. When the same network
   * comes back to this process within the window, the process counts 2, then 4, … up to `maxLease(limit)` hits in one
   * statement and spends them locally. Hits are counted in Postgres before they are used, so all processes together
   * never let more than `limit` requests through per window; hits left unused when the window ends only make the
   * limit stricter (by less than `maxLease` per process). A lease dies with its window.
   */
  function middleware(limit: Limit, sentence = 'Too many requests from your network.') {
    const leases = leasesOf(limit.bucket);
    const largest = maxLease(limit.limit);
    const refuse = (retryAfterSeconds: number) =>
      new AppError('rate_limited', `${sentence} Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
    return async (req: Request, _res: Response, next: NextFunction) => {
      const key = clientKeyOf(req);
      const id = key.toString('hex');
      const asked = performance.now();
      const held = leases.get(id);
      const isLive = held !== undefined && held.expires > asked;
      if (isLive && held.isBlocked) throw refuse(Math.max(1, Math.ceil((held.expires - asked) / 1000)));
      if (isLive && held.left > 0) {
        held.left -= 1;
        next();
        return;
      }
      // Back again within the window with the lease used up: count twice as many this time.
      const size = isLive ? Math.min(largest, held.size * 2) : 1;
      const counted = await repo.hit(db, limit.bucket, key, limit.windowSeconds, size);
      // Of the hits just counted, those within the limit are ours (all of them, unless the limit was reached).
      const granted = Math.max(0, Math.min(size, limit.limit - (counted.hits - size)));
      const expires = asked + counted.resetInMs;
      const current = leases.get(id);
      const lease: Lease =
        current && current.windowEnd === counted.windowEnd && current.expires > asked
          ? current
          : { left: 0, size, windowEnd: counted.windowEnd, expires, isBlocked: false };
      lease.size = Math.max(lease.size, size);
      lease.expires = Math.min(lease.expires, expires);
      if (granted === 0) {
        lease.isBlocked = true;
        lease.left = 0;
        remember(leases, id, lease, asked);
        throw refuse(counted.resetInSeconds);
      }
      lease.left += granted - 1;
      remember(leases, id, lease, asked);
      next();
    };
  }

  /** Seconds until this client network may try again, or undefined when it is within `limit` (reads only). */
  async function blockedFor(limit: Limit, req: Request): Promise<number | undefined> {
    const current = await repo.peek(db, limit.bucket, clientKeyOf(req));
    return current && current.hits >= limit.limit ? current.resetInSeconds : undefined;
  }

  /** Counts one event (e.g. a failed authentication) for this client network. */
  async function count(limit: Limit, req: Request): Promise<repo.WindowCount> {
    return repo.hit(db, limit.bucket, clientKeyOf(req), limit.windowSeconds);
  }

  return { middleware, blockedFor, count };
}

export type RateLimits = ReturnType<typeof createRateLimits>;

/** The public secret endpoints (metadata, reveal, verify, revoke) at both prefixes. */
export const publicLimit = (perMinute: number): Limit => ({ bucket: 'public', limit: perMinute, windowSeconds: 60 });
/** Where IdP sign-in links come back (`/verify/callback/:kind`). */
export const callbackLimit = (perMinute: number): Limit => ({ bucket: 'verify-callback', limit: perMinute, windowSeconds: 60 });
