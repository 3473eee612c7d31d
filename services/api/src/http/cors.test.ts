import express from 'express';
import { describe, expect, it } from 'vitest';
import { originMatcher, sidebarCors } from './cors';

describe('originMatcher', () => {
  const allowed = originMatcher(['https://*.cdn.prod.atlassian-dev.net', 'https://acme.atlassian.net']);
  it('matches exact origins and subdomains of a wildcard', () => {
    expect(allowed('https://acme.atlassian.net')).toBe(true);
    expect(allowed('https://abc123.cdn.prod.atlassian-dev.net')).toBe(true);
    expect(allowed('https://a.b.cdn.prod.atlassian-dev.net')).toBe(true);
  });
  it('refuses look-alikes, other schemes, the bare wildcard domain and other sites', () => {
    expect(allowed('https://evil.atlassian.net')).toBe(false);
    expect(allowed('http://abc.cdn.prod.atlassian-dev.net')).toBe(false);
    expect(allowed('https://cdn.prod.atlassian-dev.net')).toBe(false);
    expect(allowed('https://evilcdn.prod.atlassian-dev.net')).toBe(false);
    expect(allowed('https://abc.cdn.prod.atlassian-dev.net.evil.com')).toBe(false);
    expect(allowed('https://x/.cdn.prod.atlassian-dev.net')).toBe(false);
  });
});

describe('sidebarCors', () => {
  async function call(method: string, origin: string | undefined) {
    const app = express();
    app.use(sidebarCors(['https://*.cdn.prod.atlassian-dev.net']));
    app.all('/x', (_req, res) => {
      res.json({ ok: true });
    });
    const server = app.listen(0);
    try {
      const port = (server.address() as { port: number }).port;
      return await fetch(`http://127.0.0.1:${port}/x`, { method, headers: origin ? { origin } : {} });
    } finally {
      server.close();
    }
  }

  it('answers a preflight from an allowed origin with the session header allowed, and no credentials', async () => {
    const res = await call('OPTIONS', 'https://abc.cdn.prod.atlassian-dev.net');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://abc.cdn.prod.atlassian-dev.net');
    expect(res.headers.get('access-control-allow-headers')).toContain('x-vouchsafe-session');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('gives other origins no CORS headers (the browser then refuses to read the answer)', async () => {
    const pre = await call('OPTIONS', 'https://evil.example');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const get = await call('GET', 'https://evil.example');
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('passes same-origin requests straight through', async () => {
    const res = await call('GET', undefined);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
