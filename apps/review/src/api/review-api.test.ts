import { describe, expect, it, vi } from 'vitest';
import { createReviewApi, searchParams } from './review-api';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('createReviewApi', () => {
  it('searches a tenant with only the fields given, and reads timelines by ticket', async () => {
    const fetchImpl = vi.fn(async () => json(200, { items: [], nextCursor: null }));
    const api = createReviewApi(fetchImpl);
    await api.search('acme zendesk', { ticket: '101', agent: '', flag: 'override' });
    expect((fetchImpl.mock.calls[0] as unknown as [string])[0]).toBe('/api/v1/audit/t/acme%20zendesk/events?ticket=101&flag=override');
    fetchImpl.mockImplementationOnce(async () => json(200, { tenant: 't', ticketId: '1/2', entries: [] }));
    await api.timeline('t', '1/2');
    expect((fetchImpl.mock.calls[1] as unknown as [string])[0]).toBe('/api/v1/audit/t/t/tickets/1%2F2/timeline');
  });

  it('reads answers through the shared operator client (failures as results)', async () => {
    const api = createReviewApi(async () => json(403, { error: { code: 'forbidden', message: 'no role' } }));
    expect(await api.tenants()).toEqual({ ok: false, failure: { kind: 'forbidden', message: 'no role' } });
  });
});

describe('searchParams', () => {
  it('leaves out empty fields', () => {
    expect(searchParams({ ticket: '', agent: undefined, outcome: 'denied', limit: 50 }).toString()).toBe('outcome=denied&limit=50');
  });
});
