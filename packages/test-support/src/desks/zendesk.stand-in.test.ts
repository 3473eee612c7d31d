import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DESK_ACCOUNTS } from './desk.accounts';
import { startDeskStandIns, type StartedDeskStandIns } from './stand-ins';

const { email, apiToken, oauthToken } = DESK_ACCOUNTS.zendesk;
const BASIC = `Basic ${Buffer.from(`${email}/token:${apiToken}`).toString('base64')}`;

let desks: StartedDeskStandIns;
const call = async (method: string, path: string, body?: unknown, authorization = BASIC): Promise<{ status: number; json: any }> => {
  const res = await fetch(`${desks.url}/zendesk${path}`, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
};

beforeAll(async () => {
  desks = await startDeskStandIns();
});
beforeEach(() => desks.reset());
afterAll(() => desks.close());

describe('zendesk stand-in', () => {
  it('answers ticket states through show_many: solved, closed by merge (tagged), deleted tickets absent; a closed ticket refuses notes', async () => {
    const [a, b, c] = desks.state.zendesk.tickets;
    desks.state.closeTicket('zendesk', a!.id);
    desks.state.mergeTicket('zendesk', b!.id, c!.id);
    desks.state.deleteTicket('zendesk', c!.id);
    const res = await call('GET', `/api/v2/tickets/show_many.json?ids=${a!.id},${b!.id},${c!.id}`);
    expect(res.status).toBe(200);
    expect(res.json.tickets.map((t: any) => [t.id, t.status, t.tags])).toEqual([
      [Number(a!.id), 'solved', []],
      [Number(b!.id), 'closed', ['closed_by_merge']],
    ]);
    expect((await call('GET', '/api/v2/tickets/show_many.json?ids=x')).status).toBe(400);
    expect((await call('PUT', `/api/v2/tickets/${a!.id}.json`, { ticket: { comment: { body: 'n', public: false } } })).status).toBe(200);
    expect((await call('PUT', `/api/v2/tickets/${b!.id}.json`, { ticket: { comment: { body: 'n', public: false } } })).status).toBe(422);
  });

  it('serves seeded tickets and their requester', async () => {
    const seeded = desks.state.zendesk.tickets[0]!;
    const ticket = await call('GET', `/api/v2/tickets/${seeded.id}.json`);
    expect(ticket.status).toBe(200);
    expect(ticket.json.ticket).toMatchObject({ id: 101, subject: seeded.subject, requester_id: Number(seeded.requesterId) });
    const user = await call('GET', `/api/v2/users/${ticket.json.ticket.requester_id}.json`);
    expect(user.json.user).toMatchObject({ name: 'Priya Natarajan', email: 'priya.natarajan@customer.test', phone: expect.any(String) });
  });

  it("refuses wrong credentials with Zendesk's body and accepts the oauth token", async () => {
    const wrong = `Basic ${Buffer.from(`${email}/token:not-the-token`).toString('base64')}`;
    for (const authorization of [wrong, '', `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`, 'Bearer nope']) {
      const res = await call('GET', '/api/v2/tickets/101.json', undefined, authorization);
      expect(res).toEqual({ status: 401, json: { error: "Couldn't authenticate you" } });
    }
    expect((await call('GET', '/api/v2/tickets/101.json', undefined, `Bearer ${oauthToken}`)).status).toBe(200);
  });

  it('answers 404 for unknown tickets and users', async () => {
    expect(await call('GET', '/api/v2/tickets/999.json')).toEqual({
      status: 404,
      json: { error: 'RecordNotFound', description: 'Not found' },
    });
    expect((await call('GET', '/api/v2/users/1.json')).status).toBe(404);
    expect((await call('PUT', '/api/v2/tickets/999.json', { ticket: { comment: { body: 'x', public: false } } })).status).toBe(404);
  });

  it('stores an internal note from PUT and lists it among the comments', async () => {
    const res = await call('PUT', '/api/v2/tickets/102.json', { ticket: { comment: { body: 'Vouchsafe · Secret sent', public: false } } });
    expect(res.status).toBe(200);
    expect(res.json.audit.events).toEqual([expect.objectContaining({ type: 'Comment', body: 'Vouchsafe · Secret sent', public: false })]);
    const notes = desks.state.notes('zendesk', '102');
    expect(notes.map((n) => [n.body, n.isPublic, n.authorId])).toEqual([['Vouchsafe · Secret sent', false, '9000']]);
    const listed = await call('GET', '/api/v2/tickets/102/comments.json');
    expect(listed.json.comments.map((c: any) => c.public)).toEqual([true, false]);
    expect(listed.json.comments[1]).toMatchObject({
      id: Number(notes[0]!.id),
      body: 'Vouchsafe · Secret sent',
      created_at: expect.any(String),
    });
  });

  it('makes a comment public when the body does not say otherwise', async () => {
    await call('PUT', '/api/v2/tickets/101.json', { ticket: { comment: { body: 'hello' } } });
    expect(desks.state.notes('zendesk', 101)).toEqual([]);
    expect(desks.state.comments('zendesk', 101).at(-1)).toMatchObject({ body: 'hello', isPublic: true });
  });

  it('answers 400 to bad JSON and 422 to a blank comment', async () => {
    expect((await call('PUT', '/api/v2/tickets/101.json', '{"ticket":')).status).toBe(400);
    expect((await call('PUT', '/api/v2/tickets/101.json', { nope: 1 })).status).toBe(400);
    expect((await call('PUT', '/api/v2/tickets/101.json', { ticket: { comment: { body: ' ' } } })).status).toBe(422);
    expect(desks.state.comments('zendesk', 101)).toHaveLength(1);
  });

  it('serves added tickets', async () => {
    const added = desks.state.addTicket('zendesk', { subject: 'Extra', requester: { name: 'Zoe Extra', email: 'zoe@customer.test' } });
    expect(added.id).toBe('104');
    const res = await call('GET', `/api/v2/tickets/${added.id}.json`);
    expect(res.json.ticket.subject).toBe('Extra');
    expect((await call('GET', `/api/v2/users/${added.requesterId}.json`)).json.user.email).toBe('zoe@customer.test');
  });

  it('pages comments with absolute next_page URLs and honours sort_order=desc', async () => {
    for (const body of ['n1', 'n2', 'n3']) await call('PUT', '/api/v2/tickets/103.json', { ticket: { comment: { body, public: false } } });
    const first = await call('GET', '/api/v2/tickets/103/comments.json?sort_order=desc&per_page=2');
    expect(first.json.comments.map((c: any) => c.body)).toEqual(['n3', 'n2']);
    expect(first.json.count).toBe(4);
    const next = new URL(first.json.next_page);
    expect(next.origin).toBe(desks.url);
    const second = await call('GET', `${next.pathname.replace(/^\/zendesk/, '')}${next.search}`);
    expect(second.json.comments.map((c: any) => c.body)).toEqual(['n1', expect.stringContaining('Amara')]);
    expect(second.json.next_page).toBeNull();
  });

  it('serves the app public key to authenticated callers', async () => {
    const res = await fetch(`${desks.url}/zendesk/api/v2/apps/${DESK_ACCOUNTS.zendesk.appId}/public_key.pem`, {
      headers: { authorization: BASIC },
    });
    expect(await res.text()).toBe(desks.keys.zendeskPublicKeyPem);
    expect((await fetch(`${desks.url}/zendesk/api/v2/apps/${DESK_ACCOUNTS.zendesk.appId}/public_key.pem`)).status).toBe(401);
  });
});
