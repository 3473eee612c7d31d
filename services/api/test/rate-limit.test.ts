import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobs } from '../src/jobs';
import { createLogger } from '../src/logger';
import { createRateLimits, maxLease, networkKey } from '../src/modules/rate-limits/rate-limits';
import { api, createSecret, revealBody, reveal, startTestApp, type TestApp } from './harness';

/** Public rate limits and reveal-guess throttling per client network, shared by every API process through Postgres (S9). */

const PER_MINUTE = 5;
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ rateLimitPerMinute: PER_MINUTE });
});
afterAll(() => t.close());

const id = 'A'.repeat(22);
/** GET metadata of an unknown secret (404) as the client at `address` (X-Forwarded-For from loopback is trusted). */
const probe = (address?: string, app: TestApp = t) =>
  api(app.url, 'GET', `/api/v1/secrets/${id}`, undefined, address ? { 'x-forwarded-for': address } : {});
const statuses = async (addresses: string[], app: TestApp = t) => {
  const out: number[] = [];
  for (const a of addresses) out.push((await probe(a, app)).status);
  return out;
};
const rows = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM rate_limits`.execute(t.db)).rows[0]!.n;

describe('the public rate limit', () => {
  it('limits the public endpoints per client address with a clear 429 and Retry-After', async () => {
    expect(await statuses(Array<string>(7).fill(''))).toEqual([404, 404, 404, 404, 404, 429, 429]);
    const limited = await probe();
    expect(limited.json.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another client address has its own budget.
    expect((await probe('198.51.100.20')).status).toBe(404);
    // Health checks are never limited.
    expect((await api(t.url, 'GET', '/healthz')).status).toBe(200);
  });

  it('keys IPv6 clients by /64: addresses of one /64 share a budget, other /64s have their own', async () => {
    const same = ['2001:db8:aa:1::1', '2001:db8:aa:1::2', '2001:db8:aa:1:ffff:ffff:ffff:fffe', '2001:db8:aa:1:1:2:3:4', '2001:db8:aa:1::5'];
    expect(await statuses(same)).toEqual([404, 404, 404, 404, 404]);
    expect((await probe('2001:db8:aa:1::9')).status).toBe(429);
    expect((await probe('2001:db8:aa:2::1')).status).toBe(404);
    // An IPv4 client seen through a dual-stack socket (IPv4-mapped IPv6) is the same client as its IPv4 address.
    expect(await statuses(['198.51.100.77', '198.51.100.77', '::ffff:198.51.100.77', '::ffff:198.51.100.77', '198.51.100.77'])).toEqual([
      404, 404, 404, 404, 404,
    ]);
    expect((await probe('::ffff:198.51.100.77')).status).toBe(429);
  });

  it('is one limit across API processes on the same database', async () => {
    const b = await t.another();
    try {
      const spread = [t, b, t, b, t];
      for (const app of spread) expect((await probe('192.0.2.10', app)).status).toBe(404);
      expect((await probe('192.0.2.10', b)).status).toBe(429);
      expect((await probe('192.0.2.10', t)).status).toBe(429);
    } finally {
      await b.close();
    }
  });

  it('limits the IdP callback route too, in a budget of its own, shared across processes', async () => {
    const b = await t.another();
    try {
      const callback = (app: TestApp) =>
        api(app.url, 'GET', '/verify/callback/oidc?state=no-such-state-0123456789&code=x', undefined, { 'x-forwarded-for': '192.0.2.200' });
      // An unknown state answers 400 (and changes nothing) until the budget is spent.
      for (const app of [t, b, t, b, t]) expect((await callback(app)).status).toBe(400);
      const limited = await callback(b);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await probe('192.0.2.200')).status).toBe(404);
    } finally {
      await b.close();
    }
  });

  it('never resets an exhausted client when it holds many keys', async () => {
    expect(await statuses(Array<string>(PER_MINUTE + 1).fill('192.0.2.99'))).toEqual([404, 404, 404, 404, 404, 429]);
    // 60,000 other clients' windows (more than the old in-memory cap of 50,000), plus fresh ones arriving over HTTP.
    await sql`INSERT INTO rate_limits (bucket, key, hits, reset_at)
              SELECT 'public', sha256(('filler ' || i)::text::bytea), 1, now() + interval '60 seconds'
                FROM generate_series(1, 60000) AS i`.execute(t.db);
    for (let i = 0; i < 50; i++) expect((await probe(`10.9.${i}.1`)).status).toBe(404);
    const still = await probe('192.0.2.99');
    expect(still.status).toBe(429);
    expect(Number(still.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await rows()).toBeGreaterThan(60_000);
  });

  it('leaves expired windows to the purge job, which deletes only those', async () => {
    await sql`INSERT INTO rate_limits (bucket, key, hits, reset_at)
              SELECT 'public', sha256(('expired ' || i)::text::bytea), 3, now() - interval '1 second'
                FROM generate_series(1, 12000) AS i`.execute(t.db);
    const live = await rows();
    const jobs = startJobs(t.db, createLogger('silent'), { purgeIntervalMs: 100, sealIntervalMs: 60_000 });
    try {
      const deadline = Date.now() + 15_000;
      let expired = -1;
      while (Date.now() < deadline) {
        expired = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM rate_limits WHERE reset_at <= now()`.execute(t.db)).rows[0]!.n;
        if (expired === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(expired).toBe(0);
    } finally {
      await jobs.stop();
    }
    // Live windows (the exhausted client among them) were left alone.
    expect(await rows()).toBe(live - 12000);
    expect((await probe('192.0.2.99')).status).toBe(429);
  });
});

/** The public window's row of a client network: hits counted in Postgres and when the window ends. */
const windowOf = async (network: string, bucket = 'public') =>
  (
    await sql<{
      hits: number;
      reset_at: Date;
    }>`SELECT hits, reset_at FROM rate_limits WHERE bucket = ${bucket} AND key = ${networkKey(network)}`.execute(t.db)
  ).rows[0];

describe('leases of hits for a busy network (one statement per lease)', () => {
  it('counts a busy network in growing leases, one statement each, and uses no hit it did not count', async () => {
    const app = await t.another({ rateLimitPerMinute: 6_400 });
    try {
      expect(maxLease(6_400)).toBe(64);
      for (let i = 0; i < 300; i++) expect((await probe('192.0.2.60', app)).status).toBe(404);
      // Leases of 1, 2, 4, … 64 were counted before use: more than the 300 requests, less than one lease more.
      // (Without leases Postgres would show exactly 300: one statement per request.)
      const row = await windowOf('192.0.2.60');
      expect(row!.hits).toBeGreaterThan(300);
      expect(row!.hits).toBeLessThan(300 + 64);
    } finally {
      await app.close();
    }
  });

  it('lets no more than the limit through per window across processes, and wastes less than a lease per process', async () => {
    const [a, b] = [await t.another({ rateLimitPerMinute: 640 }), await t.another({ rateLimitPerMinute: 640 })];
    try {
      const lease = maxLease(640);
      expect(lease).toBe(6);
      let passed = 0;
      for (let i = 0; i < 700; i++) {
        const { status } = await probe('192.0.2.61', i % 3 === 0 ? a : b);
        if (status === 404) passed += 1;
        else expect(status).toBe(429);
      }
      expect(passed).toBeLessThanOrEqual(640);
      expect(passed).toBeGreaterThanOrEqual(640 - 2 * (lease - 1));
      // Both processes now refuse this network, and another network is unaffected.
      expect((await probe('192.0.2.61', a)).status).toBe(429);
      expect((await probe('192.0.2.61', b)).status).toBe(429);
      expect((await probe('192.0.2.62', a)).status).toBe(404);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('drops a lease when its window ends: the next request starts a new window in Postgres', async () => {
    const limits = createRateLimits(t.db);
    const bucket = 'lease-window-test';
    const app = express();
    app.get('/hit', limits.middleware({ bucket, limit: 6_400, windowSeconds: 3 }), (_req, res) => {
      res.status(204).end();
    });
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hit`;
    try {
      // Enough requests for leases that outlast them: hits counted and not used remain when the window ends.
      let first: { hits: number; reset_at: Date } | undefined;
      for (let i = 0; i < 40; i++) {
        expect((await fetch(url)).status).toBe(204);
        first ??= await windowOf('127.0.0.1', bucket);
      }
      const before = await windowOf('127.0.0.1', bucket);
      expect(before!.reset_at.getTime()).toBe(first!.reset_at.getTime()); // still the first window
      expect(before!.hits).toBeGreaterThan(40); // some of the last lease is left
      await new Promise((r) => setTimeout(r, before!.reset_at.getTime() - Date.now() + 50));
      expect((await fetch(url)).status).toBe(204);
      const after = await windowOf('127.0.0.1', bucket);
      expect(after!.reset_at.getTime()).toBeGreaterThan(before!.reset_at.getTime());
      expect(after!.hits).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('reveal-guess throttling', () => {
  it('counts wrong guesses per IPv6 /64, so rotating addresses does not reset it; another /64 and the real recipient are unaffected', async () => {
    const app = await t.another({ rateLimitPerMinute: 100_000 });
    try {
      const c = await createSecret(app.url);
      const wrong = await revealBody(new Uint8Array(32).fill(7));
      const guess = (address: string) => api(app.url, 'POST', `/api/v1/secrets/${c.id}/reveal`, wrong, { 'x-forwarded-for': address });
      // Three failures from three addresses of one /64: the third starts the back-off for the whole /64.
      for (const a of ['2001:db8:bb:1::1', '2001:db8:bb:1::2', '2001:db8:bb:1::3']) expect((await guess(a)).status).toBe(403);
      const throttled = await guess('2001:db8:bb:1:abcd::4');
      expect(throttled.status).toBe(429);
      expect(throttled.json.error.code).toBe('too_many_attempts');
      // Another /64 has its own counter, and the recipient with the right key still gets the secret.
      expect((await guess('2001:db8:bb:2::1')).status).toBe(403);
      const ok = await reveal(app.url, c, undefined, { 'x-forwarded-for': '2001:db8:cc:1::1' });
      expect(ok.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
