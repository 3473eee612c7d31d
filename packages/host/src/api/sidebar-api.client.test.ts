import { SESSION_HEADER, SidebarApiError, type SessionResponse } from '@vouchsafe/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSidebarApi } from './sidebar-api.client';
import type { TransportRequest, TransportResponse } from './transport.types';

const SECRET_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

function sessionBody(token: string, ttlSeconds = 900): SessionResponse {
  return {
    session: token,
    expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
    context: {
      desk: 'zendesk',
      tenantName: 'Acme',
      ticket: { id: '42', displayId: '#42' },
      requester: { label: 'j***@e***.com' },
      agent: { label: 'Jane Doe' },
    },
  };
}

/** A scripted API: each handler answers one route; every request is recorded. */
function fakeApi(routes: Record<string, (request: TransportRequest) => TransportResponse | Promise<TransportResponse>>) {
  const requests: TransportRequest[] = [];
  const transport = vi.fn(async (request: TransportRequest) => {
    requests.push(request);
    const handler = routes[`${request.method} ${request.path}`];
    if (!handler) return { status: 404, body: { error: { code: 'not_found', message: 'no route' } } };
    return handler(request);
  });
  return { transport, requests };
}

const exchange = () => Promise.resolve({ path: '/api/v1/sessions/zendesk', body: { token: 'host-token-xxxxxxxx', ticketId: '42' } });

let renewCount = 0;
const renewing = (request: TransportRequest): TransportResponse => {
  renewCount += 1;
  expect(request.headers[SESSION_HEADER]).toBeDefined();
  return { status: 200, body: sessionBody(`session-${renewCount + 1}`) };
};

describe('createSidebarApi', () => {
  beforeEach(() => {
    renewCount = 0;
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-25T16:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('exchanges the host token once, then sends the session in its header on every sidebar call', async () => {
    const { transport, requests } = fakeApi({
      'POST /api/v1/sessions/zendesk': () => ({ status: 200, body: sessionBody('session-1') }),
      'GET /api/v1/sidebar/secrets': () => ({ status: 200, body: { secrets: [] } }),
      'POST /api/v1/sidebar/secrets': () => ({
        status: 201,
        body: { id: SECRET_ID, fingerprint: '3f9a1c2e', expiresAt: '2026-11-25T17:00:00Z', views: 1, linkBase: 'https://v.example/t/acme' },
      }),
      [`DELETE /api/v1/sidebar/secrets/${SECRET_ID}`]: () => ({ status: 204, body: undefined }),
    });
    const api = createSidebarApi({ transport, exchange });
    const context = await api.start();
    expect(context.ticket.displayId).toBe('#42');
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/sessions/zendesk',
      body: { token: 'host-token-xxxxxxxx', ticketId: '42' },
    });
    expect(requests[0]?.headers[SESSION_HEADER]).toBeUndefined();

    await api.listSecrets();
    const created = await api.createSecret({ ciphertext: 'x' } as never);
    expect(created.linkBase).toBe('https://v.example/t/acme');
    await api.revokeSecret(SECRET_ID);
    expect(requests.slice(1).map((r) => r.headers[SESSION_HEADER])).toEqual(['session-1', 'session-1', 'session-1']);
    api.stop();
  });

  it('issue 11: document calls go to the sidebar document paths with the session; a chunk comes back as bytes', async () => {
    const base = `/api/v1/sidebar/document-requests/${SECRET_ID}`;
    const { transport, requests } = fakeApi({
      'POST /api/v1/sessions/zendesk': () => ({ status: 200, body: sessionBody('session-1') }),
      'GET /api/v1/sidebar/document-requests': () => ({ status: 200, body: { requests: [] } }),
      [`GET ${base}/files/${SECRET_ID}/chunks/0`]: (r) => ({
        status: 200,
        body: undefined,
        bytes: r.expectsBytes ? Uint8Array.of(7) : undefined,
      }),
      [`POST ${base}/review`]: () => ({ status: 200, body: { status: 'reviewed', outcome: 'accepted' } }),
      [`DELETE ${base}`]: () => ({ status: 204, body: undefined }),
    });
    const api = createSidebarApi({ transport, exchange });
    await api.start();
    await expect(api.listDocumentRequests()).resolves.toEqual({ requests: [] });
    await expect(api.getDocumentChunk(SECRET_ID, SECRET_ID, 0)).resolves.toEqual(Uint8Array.of(7));
    await api.reviewDocumentRequest(SECRET_ID, { outcome: 'accepted' });
    await api.revokeDocumentRequest(SECRET_ID);
    expect(requests.slice(1).map((r) => r.headers[SESSION_HEADER])).toEqual(['session-1', 'session-1', 'session-1', 'session-1']);
    expect(requests[3]?.body).toEqual({ outcome: 'accepted' });
    api.stop();
  });

  it('runs one exchange when start() is called twice at once (React strict mode)', async () => {
    const { transport, requests } = fakeApi({ 'POST /api/v1/sessions/zendesk': () => ({ status: 200, body: sessionBody('session-1') }) });
    const api = createSidebarApi({ transport, exchange });
    await Promise.all([api.start(), api.start()]);
    expect(requests.filter((r) => r.path === '/api/v1/sessions/zendesk')).toHaveLength(1);
    api.stop();
  });

  it('renews in the background about a minute before the session expires', async () => {
    const { transport, requests } = fakeApi({
      'POST /api/v1/sessions/zendesk': () => ({ status: 200, body: sessionBody('session-1') }),
      'POST /api/v1/sessions/renew': renewing,
      'GET /api/v1/sidebar/secrets': () => ({ status: 200, body: { secrets: [] } }),
    });
    const api = createSidebarApi({ transport, exchange });
    await api.start();
    await vi.advanceTimersByTimeAsync(13 * 60_000);
    expect(requests.some((r) => r.path === '/api/v1/sessions/renew')).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000 + 1);
    const renew = requests.find((r) => r.path === '/api/v1/sessions/renew');
    expect(renew?.headers[SESSION_HEADER]).toBe('session-1');
    await api.listSecrets();
    expect(requests.at(-1)?.headers[SESSION_HEADER]).toBe('session-2');
    // And again for the renewed session.
    await vi.advanceTimersByTimeAsync(14 * 60_000 + 1);
    expect(requests.filter((r) => r.path === '/api/v1/sessions/renew')).toHaveLength(2);
    api.stop();
  });

  it('renews before a call when the background timer did not run (throttled tab)', async () => {
    const { transport, requests } = fakeApi({
      'POST /api/v1/sessions/zendesk': () => ({ status: 200, body: sessionBody('session-1', 60) }),
      'POST /api/v1/sessions/renew': renewing,
      'GET /api/v1/sidebar/secrets': () => ({ status: 200, body: { secrets: [] } }),
    });
    const api = createSidebarApi({ transport, exchange });
    await api.start();
    vi.setSystemTime(Date.now() + 45_000); // past the half-way renewal point, no timers fired
    await api.listSecrets();
    expect(requests.map((r) => r.path)).toEqual(['/api/v1/sessions/zendesk', '/api/v1/sessions/renew', '/api/v1/sidebar/secrets']);
    expect(requests.at(-1)?.headers[SESSION_HEADER]).toBe('session-2');
    api.stop();
  });

  it('renews once after a 401 and retries the call with the new session', async () => {
    let lists = 0;
    const { transport, requests } = fakeApi({
      'POST /api/v1/sessions/zendesk': () => ({ status: 200, body: sessionBody('session-1') }),
      'POST /api/v1/sessions/renew': renewing,
      'GET /api/v1/sidebar/secrets': () => {
        lists += 1;
        return lists === 1
          ? {
              status: 401,
              body: {
                error: {
                  code: 'session_rejected',
                  message: 'This sidebar session could not be verified. Reopen the ticket to start a new one.',
                },
              },
            }
          : { status: 200, body: { secrets: [] } };
      },
    });
    const api = createSidebarApi({ transport, exchange });
    await api.start();
    await expect(api.listSecrets()).resolves.toEqual({ secrets: [] });
    expect(requests.map((r) => r.headers[SESSION_HEADER] ?? '-')).toEqual(['-', 'session-1', 'session-1', 'session-2']);
    api.stop();
  });

  it('reports session_rejected when the renewal is refused, and then stops calling the API', async () => {
    const rejected = {
      status: 401,
      body: {
        error: { code: 'session_rejected', message: 'This sidebar session could not be verified. Reopen the ticket to start a new one.' },
      },
    };
    const { transport, requests } = fakeApi({
      'POST /api/v1/sessions/zendesk': () => ({ status: 200, body: sessionBody('session-1') }),
      'POST /api/v1/sessions/renew': () => rejected,
      'GET /api/v1/sidebar/secrets': () => rejected,
    });
    const api = createSidebarApi({ transport, exchange });
    await api.start();
    const error = await api.listSecrets().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SidebarApiError);
    expect(error).toMatchObject({ failure: 'session_rejected', status: 401, message: expect.stringContaining('Reopen the ticket') });
    const before = requests.length;
    await expect(api.listSecrets()).rejects.toMatchObject({ failure: 'session_rejected' });
    expect(requests).toHaveLength(before);
  });

  it('rejects a host token the API refuses with session_rejected', async () => {
    const { transport } = fakeApi({
      'POST /api/v1/sessions/zendesk': () => ({
        status: 401,
        body: {
          error: { code: 'session_rejected', message: 'This sidebar session could not be verified. Reopen the ticket to start a new one.' },
        },
      }),
    });
    await expect(createSidebarApi({ transport, exchange }).start()).rejects.toMatchObject({
      failure: 'session_rejected',
      code: 'session_rejected',
    });
  });

  it.each([
    [
      404,
      'not_found',
      'Secret AAAA… does not exist for this ticket',
      { error: { code: 'not_found', message: 'Secret AAAA… does not exist for this ticket' } },
    ],
    [422, 'rejected', 'views must be at most 10', { error: { code: 'validation_failed', message: 'views must be at most 10' } }],
    [409, 'rejected', 'Vouchsafe refused the request (HTTP 409).', undefined],
    [
      500,
      'unreachable',
      'Vouchsafe could not be reached. Check your connection and try again.',
      { error: { code: 'internal', message: 'Internal error (request 1234)' } },
    ],
    [
      502,
      'unreachable',
      'Vouchsafe could not be reached. Check your connection and try again.',
      { error: { code: 'helpdesk_unavailable', message: 'Zendesk did not answer' } },
    ],
    [503, 'unreachable', 'Vouchsafe could not be reached. Check your connection and try again.', undefined],
  ])('maps HTTP %i to %s', async (status, failure, message, body) => {
    const { transport } = fakeApi({
      'POST /api/v1/sessions/zendesk': () => ({ status: 200, body: sessionBody('session-1') }),
      'GET /api/v1/sidebar/secrets': () => ({ status, body }),
    });
    const api = createSidebarApi({ transport, exchange });
    await api.start();
    await expect(api.listSecrets()).rejects.toMatchObject({ name: 'SidebarApiError', failure, message, status });
    api.stop();
  });

  it('maps a network error and a timeout to unreachable', async () => {
    const failing = createSidebarApi({ transport: () => Promise.reject(new TypeError('Failed to fetch')), exchange });
    await expect(failing.start()).rejects.toMatchObject({ failure: 'unreachable' });

    let signal: AbortSignal | undefined;
    const hanging = createSidebarApi({
      transport: (request) => {
        signal = request.signal;
        return new Promise<never>(() => undefined);
      },
      exchange,
      timeoutMs: 5_000,
    });
    const started = hanging.start().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5_001);
    expect(await started).toMatchObject({ failure: 'unreachable' });
    expect(signal?.aborted).toBe(true);
  });

  it('treats a success answer of the wrong shape as unreachable rather than trusting it', async () => {
    const { transport } = fakeApi({ 'POST /api/v1/sessions/zendesk': () => ({ status: 200, body: { session: 'x' } }) });
    await expect(createSidebarApi({ transport, exchange }).start()).rejects.toMatchObject({ failure: 'unreachable' });
  });

  it('refreshes the context through a renewal when start() is called again', async () => {
    const { transport, requests } = fakeApi({
      'POST /api/v1/sessions/zendesk': () => ({ status: 200, body: sessionBody('session-1') }),
      'POST /api/v1/sessions/renew': renewing,
    });
    const api = createSidebarApi({ transport, exchange });
    await api.start();
    await api.start();
    expect(requests.map((r) => r.path)).toEqual(['/api/v1/sessions/zendesk', '/api/v1/sessions/renew']);
    api.stop();
  });

  it('refuses sidebar calls before start()', async () => {
    const { transport, requests } = fakeApi({});
    await expect(createSidebarApi({ transport, exchange }).listSecrets()).rejects.toMatchObject({ failure: 'session_rejected' });
    expect(requests).toHaveLength(0);
  });
});
