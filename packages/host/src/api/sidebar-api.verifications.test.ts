import { SESSION_HEADER, SidebarApiError, type SessionResponse, type Verification } from '@vouchsafe/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSidebarApi, type SidebarApiOptions } from './sidebar-api.client';
import type { StreamResponse, TransportRequest, TransportResponse } from './transport.types';

const V_ID = '00000000-0000-4000-8000-000000000001';

function verification(overrides: Partial<Verification> = {}): Verification {
  return {
    id: V_ID,
    method: 'okta_push',
    state: 'waiting',
    startedAt: '2026-11-25T16:00:00.000Z',
    finishedAt: null,
    validUntil: null,
    agentLabel: 'Jane Doe',
    requesterLabel: 'j***@e***.com',
    binding: { kind: 'number_challenge', number: '42' },
    reason: null,
    isFraudSuspected: false,
    idpRef: 'ftx…91',
    override: null,
    receipt: null,
    ...overrides,
  };
}

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

const encoder = new TextEncoder();
/** A response body the test writes to, piece by piece, like a network would deliver it. */
function liveBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let isCancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
    },
    cancel: () => {
      isCancelled = true;
    },
  });
  return {
    body,
    write: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
    get isCancelled() {
      return isCancelled;
    },
  };
}
const event = (v: Verification): string => `event: verification\ndata: ${JSON.stringify(v)}\n\n`;

interface Harness {
  routes: Record<string, (r: TransportRequest) => TransportResponse>;
  streams: { request: TransportRequest; answer: StreamResponse | Error }[];
}

function setup(h: Partial<Harness> = {}, extra: Partial<SidebarApiOptions> = {}) {
  const requests: TransportRequest[] = [];
  let sessions = 0;
  const routes: Harness['routes'] = {
    'POST /api/v1/sessions/zendesk': () => ({ status: 200, body: sessionBody(`session-${++sessions}`) }),
    'POST /api/v1/sessions/renew': () => ({ status: 200, body: sessionBody(`session-${++sessions}`) }),
    'GET /api/v1/sidebar/verifications': () => ({
      status: 200,
      body: { current: null, pendingOverrides: [], methods: [], isSupervisor: false },
    }),
    ...h.routes,
  };
  const transport = vi.fn(async (request: TransportRequest) => {
    requests.push(request);
    const handler = routes[`${request.method} ${request.path}`];
    return handler ? handler(request) : { status: 404, body: { error: { code: 'not_found', message: 'no route' } } };
  });
  const opened: TransportRequest[] = [];
  const answers = [...(h.streams ?? [])];
  const stream = vi.fn(async (request: TransportRequest): Promise<StreamResponse> => {
    opened.push(request);
    const next = answers.shift();
    if (!next) return new Promise<never>(() => undefined);
    if (next.answer instanceof Error) throw next.answer;
    return next.answer;
  });
  const api = createSidebarApi({
    transport,
    stream,
    exchange: async () => ({ path: '/api/v1/sessions/zendesk', body: { token: 'host-token-xxxxxxxx', ticketId: '42' } }),
    streamTiming: { backoffMs: 1_000, maxBackoffMs: 8_000, idleTimeoutMs: 45_000, connectTimeoutMs: 20_000 },
    ...extra,
  });
  return { api, requests, opened, stream, routes };
}

const ok = (body: ReadableStream<Uint8Array>): { request: TransportRequest; answer: StreamResponse } => ({
  request: undefined as never,
  answer: { status: 200, body },
});

describe('verification calls', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-25T16:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it("start, cancel, code, override and approve go to the plan's endpoints with the session", async () => {
    const answer = (state: Verification['state']) => () => ({ status: 200, body: verification({ state }) });
    const { api, requests } = setup({
      routes: {
        'POST /api/v1/sidebar/verifications': () => ({ status: 201, body: verification({ state: 'started' }) }),
        [`POST /api/v1/sidebar/verifications/${V_ID}/cancel`]: answer('cancelled'),
        [`POST /api/v1/sidebar/verifications/${V_ID}/code`]: answer('verified'),
        [`POST /api/v1/sidebar/verifications/${V_ID}/override`]: answer('failed'),
        [`POST /api/v1/sidebar/verifications/${V_ID}/override/approve`]: answer('overridden'),
        'POST /api/v1/sidebar/verifications/fraud-flag/acknowledge': () => ({
          status: 200,
          body: { current: null, pendingOverrides: [], methods: [], isSupervisor: true, fraudFlag: null },
        }),
      },
    });
    await api.start();
    expect((await api.startVerification('okta_push')).state).toBe('started');
    expect((await api.cancelVerification(V_ID)).state).toBe('cancelled');
    expect((await api.cancelVerification(V_ID, 'call_dropped')).state).toBe('cancelled');
    expect((await api.submitVerificationCode(V_ID, '123456')).state).toBe('verified');
    expect((await api.requestOverride(V_ID, 'caller lost the phone, known voice')).state).toBe('failed');
    expect((await api.approveOverride(V_ID)).state).toBe('overridden');
    expect((await api.getVerifications()).current).toBeNull();
    expect((await api.acknowledgeFraudFlag('called back on the number on record')).fraudFlag).toBeNull();
    const calls = requests.slice(1);
    expect(calls.map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', '/api/v1/sidebar/verifications', { method: 'okta_push' }],
      ['POST', `/api/v1/sidebar/verifications/${V_ID}/cancel`, {}],
      ['POST', `/api/v1/sidebar/verifications/${V_ID}/cancel`, { reason: 'call_dropped' }],
      ['POST', `/api/v1/sidebar/verifications/${V_ID}/code`, { code: '123456' }],
      ['POST', `/api/v1/sidebar/verifications/${V_ID}/override`, { reason: 'caller lost the phone, known voice' }],
      ['POST', `/api/v1/sidebar/verifications/${V_ID}/override/approve`, {}],
      ['GET', '/api/v1/sidebar/verifications', undefined],
      ['POST', '/api/v1/sidebar/verifications/fraud-flag/acknowledge', { reason: 'called back on the number on record' }],
    ]);
    expect(calls.every((r) => r.headers[SESSION_HEADER] === 'session-1')).toBe(true);
    api.stop();
  });

  it('hands a push limit (429) to the sidebar with its sentence and retry time', async () => {
    const { api } = setup({
      routes: {
        'POST /api/v1/sidebar/verifications': () => ({
          status: 429,
          body: {
            error: {
              code: 'rate_limited',
              message: 'This customer has had 3 pushes in 10 minutes. Try again in 15 minutes.',
              retryAfterSeconds: 900,
            },
          },
        }),
      },
    });
    await api.start();
    const error = await api.startVerification('okta_push').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SidebarApiError);
    expect(error).toMatchObject({
      failure: 'rejected',
      status: 429,
      code: 'rate_limited',
      retryAfterSeconds: 900,
      message: expect.stringContaining('3 pushes'),
    });
    api.stop();
  });

  it('refuses an answer that is not a verification', async () => {
    const { api } = setup({ routes: { 'POST /api/v1/sidebar/verifications': () => ({ status: 201, body: { state: 'verified' } }) } });
    await api.start();
    await expect(api.startVerification('okta_push')).rejects.toMatchObject({ failure: 'unreachable' });
    api.stop();
  });
});

describe('subscribeVerifications over SSE', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-25T16:00:00Z'));
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // no jitter: backoff exactly 1 s, 2 s, 4 s …
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('opens the event stream with the session header and reports each verification event, split or not', async () => {
    const live = liveBody();
    const { api, opened } = setup({ streams: [ok(live.body)] });
    await api.start();
    const seen: Verification[] = [];
    const unsubscribe = api.subscribeVerifications((v) => seen.push(v));
    await vi.advanceTimersByTimeAsync(0);
    expect(opened[0]).toMatchObject({
      method: 'GET',
      path: '/api/v1/sidebar/verifications/events',
      headers: { [SESSION_HEADER]: 'session-1' },
    });

    const text = `: ping\n\n${event(verification({ state: 'started', binding: null }))}`;
    live.write(text.slice(0, 30));
    live.write(text.slice(30, 71));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toHaveLength(0);
    live.write(text.slice(71));
    live.write(': ping\n\nevent: other\ndata: {}\n\nevent: verification\ndata: not json\n\n');
    live.write(event(verification({ state: 'waiting' })));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.map((v) => v.state)).toEqual(['started', 'waiting']);
    expect(seen[1]?.binding).toEqual({ kind: 'number_challenge', number: '42' });

    unsubscribe();
    await vi.advanceTimersByTimeAsync(0);
    expect(opened[0]?.signal?.aborted).toBe(true);
    expect(live.isCancelled).toBe(true);
    api.stop();
  });

  it('reconnects with backoff after the stream ends or fails, and catches up with GET /verifications', async () => {
    const first = liveBody();
    const third = liveBody();
    const missed = verification({ state: 'verified', validUntil: '2026-11-25T16:15:00.000Z' });
    const { api, opened, requests } = setup({
      routes: {
        'GET /api/v1/sidebar/verifications': () => ({
          status: 200,
          body: { current: missed, pendingOverrides: [], methods: [], isSupervisor: false },
        }),
      },
      streams: [ok(first.body), { request: undefined as never, answer: { status: 503, body: null } }, ok(third.body)],
    });
    await api.start();
    const seen: string[] = [];
    const errors: SidebarApiError[] = [];
    api.subscribeVerifications(
      (v) => seen.push(v.state),
      (e) => errors.push(e),
    );
    await vi.advanceTimersByTimeAsync(0);
    first.write(event(verification({ state: 'waiting' })));
    first.close();
    await vi.advanceTimersByTimeAsync(999);
    expect(opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(opened).toHaveLength(2); // answered 503
    expect(errors.map((e) => e.failure)).toEqual(['unreachable']);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(opened).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(opened).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(0);
    // Connected again: the overview fills in what happened while the stream was down.
    expect(requests.filter((r) => r.path === '/api/v1/sidebar/verifications')).toHaveLength(1);
    expect(seen).toEqual(['waiting', 'verified']);
    // The same state arriving again over the stream is not reported twice.
    third.write(event(missed));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['waiting', 'verified']);
    api.stop();
    expect(opened[2]?.signal?.aborted).toBe(true);
  });

  it('reconnects at once with the new session after a renewal', async () => {
    const first = liveBody();
    const second = liveBody();
    const { api, opened } = setup(
      { streams: [ok(first.body), ok(second.body)] },
      // No pings in this test: keep the idle watchdog out of the way.
      { streamTiming: { idleTimeoutMs: 60 * 60_000 } },
    );
    await api.start();
    api.subscribeVerifications(() => undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(opened[0]?.headers[SESSION_HEADER]).toBe('session-1');
    await vi.advanceTimersByTimeAsync(14 * 60_000 + 1); // background renewal a minute before expiry
    expect(opened[0]?.signal?.aborted).toBe(true);
    expect(opened).toHaveLength(2);
    expect(opened[1]?.headers[SESSION_HEADER]).toBe('session-2');
    api.stop();
  });

  it('renews once after a 401 on the stream; a second refusal ends the subscription', async () => {
    const refused = { request: undefined as never, answer: { status: 401, body: null } };
    const live = liveBody();
    const { api, opened } = setup({ streams: [refused, ok(live.body)] });
    await api.start();
    const errors: string[] = [];
    api.subscribeVerifications(
      () => undefined,
      (e) => errors.push(e.failure),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(opened.map((r) => r.headers[SESSION_HEADER])).toEqual(['session-1', 'session-2']);
    expect(errors).toEqual([]);
    api.stop();

    const again = setup({ streams: [refused, refused, refused] });
    await again.api.start();
    const failures: string[] = [];
    again.api.subscribeVerifications(
      () => undefined,
      (e) => failures.push(e.failure),
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(failures).toEqual(['session_rejected']);
    expect(again.opened).toHaveLength(2);
    again.api.stop();
  });

  it('treats a silent connection (no ping for 45 s) as dead and reconnects', async () => {
    const quiet = liveBody();
    const { api, opened } = setup({ streams: [ok(quiet.body)] });
    await api.start();
    api.subscribeVerifications(() => undefined);
    await vi.advanceTimersByTimeAsync(0);
    quiet.write(': ping\n\n');
    await vi.advanceTimersByTimeAsync(44_000);
    expect(opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000 + 1_000);
    expect(opened[0]?.signal?.aborted).toBe(true);
    expect(opened).toHaveLength(2);
    api.stop();
  });

  it('stops retrying after unsubscribe, even while waiting to reconnect', async () => {
    const { api, opened } = setup({ streams: [{ request: undefined as never, answer: new TypeError('Failed to fetch') }] });
    await api.start();
    const unsubscribe = api.subscribeVerifications(() => undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(opened).toHaveLength(1);
    unsubscribe();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(opened).toHaveLength(1);
    api.stop();
  });
});

describe('subscribeVerifications by polling (no stream: Forge)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reads GET /verifications every second and reports only changes', async () => {
    let current: Verification | null = verification({ state: 'waiting' });
    const pending = verification({
      id: '00000000-0000-4000-8000-000000000002',
      state: 'failed',
      override: { state: 'requested', requestedBy: 'Sam', reason: 'lost phone, voice known', approvedBy: null },
    });
    const { api, requests } = setup(
      {
        routes: {
          'GET /api/v1/sidebar/verifications': () => ({
            status: 200,
            body: { current, pendingOverrides: [pending], methods: [], isSupervisor: true },
          }),
        },
      },
      { stream: undefined },
    );
    await api.start();
    const seen: string[] = [];
    const unsubscribe = api.subscribeVerifications((v) => seen.push(`${v.id.slice(-1)}:${v.state}`));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['1:waiting', '2:failed']);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(seen).toHaveLength(2);
    current = verification({ state: 'verified' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen).toEqual(['1:waiting', '2:failed', '1:verified']);
    const polls = requests.filter((r) => r.path === '/api/v1/sidebar/verifications').length;
    expect(polls).toBe(5);
    unsubscribe();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(requests.filter((r) => r.path === '/api/v1/sidebar/verifications')).toHaveLength(polls);
    api.stop();
  });

  it('keeps polling through outages, and stops when the session is refused', async () => {
    let status = 503;
    const { api } = setup(
      {
        routes: {
          'GET /api/v1/sidebar/verifications': () =>
            status === 200
              ? { status, body: { current: null, pendingOverrides: [], methods: [], isSupervisor: false } }
              : { status, body: undefined },
        },
      },
      { stream: undefined },
    );
    await api.start();
    const errors: string[] = [];
    api.subscribeVerifications(
      () => undefined,
      (e) => errors.push(e.failure),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect(errors).toEqual(['unreachable', 'unreachable']);
    status = 200;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(errors).toHaveLength(2);
    api.stop();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(errors.at(-1)).toBe('unreachable');
    expect(errors.length).toBeLessThanOrEqual(3);
  });
});
