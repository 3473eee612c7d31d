import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN, api, createSecret, reveal, startTestApp, type TestApp } from './harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const scrape = async () => {
  const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
};

describe('GET /metrics', () => {
  it('needs an API token', async () => {
    expect((await api(t.url, 'GET', '/metrics')).status).toBe(401);
    expect((await api(t.url, 'GET', '/metrics', undefined, { authorization: 'Bearer wrong-token-value' })).status).toBe(401);
  });

  it('counts requests under route patterns, never URLs with ids', async () => {
    const c = await createSecret(t.url);
    expect((await reveal(t.url, c)).status).toBe(200);
    expect((await reveal(t.url, c)).status).toBe(404);
    const text = await scrape();
    expect(text).not.toContain(c.id);
    expect(text).toMatch(/vouchsafe_http_requests_total\{method="POST",route="\/api\/v1\/secrets\/:id\/reveal",status="200"\} 1/);
    // The failed reveal (an error thrown inside the router) keeps the same pattern.
    expect(text).toMatch(/vouchsafe_http_requests_total\{method="POST",route="\/api\/v1\/secrets\/:id\/reveal",status="404"\} 1/);
    expect(text).toMatch(/vouchsafe_secrets_created_total 1/);
    expect(text).toMatch(/vouchsafe_secrets_revealed_total 1/);
    expect(text).toMatch(/vouchsafe_notes_outbox\{status="pending"\} 0/);
    expect(text).toMatch(/process_cpu_user_seconds_total/);
    expect(text).toMatch(/vouchsafe_session_rejections_total/);
  });

  it('times requests by route pattern and outcome class', async () => {
    const c = await createSecret(t.url);
    expect((await reveal(t.url, c)).status).toBe(200);
    expect((await reveal(t.url, c)).status).toBe(404);
    const text = await scrape();
    const route = 'method="POST",route="/api/v1/secrets/:id/reveal"';
    expect(text).toContain(`vouchsafe_http_request_duration_seconds_count{${route},outcome="2xx"}`);
    expect(text).toContain(`vouchsafe_http_request_duration_seconds_count{${route},outcome="4xx"}`);
    expect(text).toMatch(
      /vouchsafe_http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/api\/v1\/secrets",outcome="2xx"\}/,
    );
  });

  it('labels unknown API paths as unmatched', async () => {
    await api(t.url, 'GET', '/api/v1/nothing/here/abc123');
    const text = await scrape();
    expect(text).not.toContain('abc123');
    expect(text).toMatch(/route="unmatched",status="404"/);
  });
});
