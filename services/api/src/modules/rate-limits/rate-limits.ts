import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../../db/database';
import { AppError } from '../../errors';
import { clientNetwork } from '../../lib/client-ip';
import { sha256 } from '../../lib/ids';
import * as repo from './rate-limits.repository';

/**
 * Rate limits shared by every API process through Postgres (S9; NOTES.md beside this file). Keyed by
 * client network (IPv4 address, IPv6 /64), hashed. One statement per hit.
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

export function createRateLimits(db: Db) {
  /** Counts this request against `limit` for its client network; over the limit: 429 with Retry-After. */
  function middleware(limit: Limit, sentence = 'Too many requests from your network.') {
    return async (req: Request, _res: Response, next: NextFunction) => {
      const { hits, resetInSeconds } = await repo.hit(db, limit.bucket, clientKeyOf(req), limit.windowSeconds);
      if (hits > limit.limit) {
        throw new AppError('rate_limited', `${sentence} Try again in ${resetInSeconds} seconds.`, { retryAfterSeconds: resetInSeconds });
      }
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
