import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, startTestApp, type TestApp } from './harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ rateLimitPerMinute: 5 });
});
afterAll(() => t.close());

it('limits the public endpoints per client address with a clear 429 and Retry-After', async () => {
  const id = 'A'.repeat(22);
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push((await api(t.url, 'GET', `/api/v1/secrets/${id}`)).status);
  expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
  const limited = await api(t.url, 'GET', `/api/v1/secrets/${id}`);
  expect(limited.json.error.code).toBe('rate_limited');
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  // Another client address has its own budget.
  const other = await api(t.url, 'GET', `/api/v1/secrets/${id}`, undefined, { 'x-forwarded-for': '198.51.100.20' });
  expect(other.status).toBe(404);
  // Health checks are never limited.
  expect((await api(t.url, 'GET', '/healthz')).status).toBe(200);
});
