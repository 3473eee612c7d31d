import { describe, expect, it, vi } from 'vitest';
import { apiTransports, fetchStreamTransport, fetchTransport } from './fetch.transport';

describe('fetchTransport', () => {
  it('sends JSON to a same-origin relative path without cookies or referrer', async () => {
    const fetchImpl = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => new Response('{"ok":true}', { status: 201 }));
    const transport = fetchTransport('', fetchImpl);
    const answer = await transport({
      method: 'POST',
      path: '/api/v1/sidebar/secrets',
      headers: { 'x-vouchsafe-session': 's' },
      body: { a: 1 },
    });
    expect(answer).toEqual({ status: 201, body: { ok: true } });
    const [url, init] = fetchImpl.mock.calls[0] ?? [];
    expect(url).toBe('/api/v1/sidebar/secrets');
    expect(init).toMatchObject({
      method: 'POST',
      body: '{"a":1}',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      headers: { 'x-vouchsafe-session': 's', 'content-type': 'application/json', accept: 'application/json' },
    });
  });

  it('answers an empty or non-JSON body as undefined', async () => {
    const empty = fetchTransport('https://api.example', async () => new Response(null, { status: 204 }));
    await expect(empty({ method: 'DELETE', path: '/x', headers: {} })).resolves.toEqual({ status: 204, body: undefined });
    const html = fetchTransport('', async () => new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(html({ method: 'GET', path: '/x', headers: {} })).resolves.toEqual({ status: 502, body: undefined });
  });

  it('hands a 2xx binary answer back as bytes when asked (a document chunk), and an error answer as JSON', async () => {
    const chunk = fetchTransport('', async () => new Response(Uint8Array.of(0, 1, 255), { status: 200 }));
    await expect(chunk({ method: 'GET', path: '/x', headers: {}, expectsBytes: true })).resolves.toEqual({
      status: 200,
      body: undefined,
      bytes: Uint8Array.of(0, 1, 255),
    });
    const gone = fetchTransport('', async () => new Response('{"error":{"code":"not_found"}}', { status: 404 }));
    await expect(gone({ method: 'GET', path: '/x', headers: {}, expectsBytes: true })).resolves.toEqual({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
  });

  it('opens an event stream as a GET asking for text/event-stream, and hands back the body unread', async () => {
    const fetchImpl = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => new Response('data: 1\n\n', { status: 200 }));
    const stream = fetchStreamTransport('', fetchImpl);
    const controller = new AbortController();
    const answer = await stream({
      method: 'GET',
      path: '/api/v1/sidebar/verifications/events',
      headers: { 'x-vouchsafe-session': 's' },
      signal: controller.signal,
    });
    expect(answer.status).toBe(200);
    expect(await new Response(answer.body).text()).toBe('data: 1\n\n');
    const [url, init] = fetchImpl.mock.calls[0] ?? [];
    expect(url).toBe('/api/v1/sidebar/verifications/events');
    expect(init).toMatchObject({
      method: 'GET',
      credentials: 'omit',
      headers: { 'x-vouchsafe-session': 's', accept: 'text/event-stream' },
      signal: controller.signal,
    });
  });

  it('streams for the pages the API serves, and polls when a caller brings its own transport without a stream', () => {
    expect(apiTransports({}).stream).toBeTypeOf('function');
    const own = async () => ({ status: 200, body: undefined });
    expect(apiTransports({ transport: own })).toEqual({ transport: own });
  });
});
