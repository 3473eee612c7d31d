import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DESK_ACCOUNTS } from './desk.accounts';
import { startDeskStandIns, type StartedDeskStandIns } from './stand-ins';

const { username, password } = DESK_ACCOUNTS.servicenow;
const BASIC = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

let desks: StartedDeskStandIns;
const call = async (method: string, path: string, body?: unknown, authorization = BASIC): Promise<{ status: number; json: any }> => {
  const res = await fetch(`${desks.url}/servicenow${path}`, {
    method,
    headers: { authorization, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
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

describe('servicenow stand-in', () => {
  it('serves an incident with a plain caller sys_id and the caller record', async () => {
    const incident = desks.state.servicenow.tickets[0]!;
    expect(incident.id).toMatch(/^[0-9a-f]{32}$/);
    expect(incident.displayId).toBe('INC0010001');
    const res = await call(
      'GET',
      `/api/now/table/incident/${incident.id}?sysparm_fields=sys_id,number,caller_id&sysparm_exclude_reference_link=true`,
    );
    expect(res).toEqual({ status: 200, json: { result: { sys_id: incident.id, number: 'INC0010001', caller_id: incident.requesterId } } });
    const linked = await call('GET', `/api/now/v1/table/incident/${incident.id}?sysparm_fields=caller_id`);
    expect(linked.json.result.caller_id).toEqual({ link: expect.stringContaining('/sys_user/'), value: incident.requesterId });
    const user = await call('GET', `/api/now/table/sys_user/${incident.requesterId}`);
    expect(user.json.result).toMatchObject({
      sys_id: incident.requesterId,
      name: 'Priya Natarajan',
      email: 'priya.natarajan@customer.test',
      mobile_phone: expect.any(String),
    });
  });

  it('refuses wrong credentials with the Table API failure body', async () => {
    const wrong = `Basic ${Buffer.from(`${username}:wrong-password`).toString('base64')}`;
    const res = await call('GET', '/api/now/table/incident', undefined, wrong);
    expect(res).toEqual({
      status: 401,
      json: { error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' }, status: 'failure' },
    });
    expect((await call('GET', '/api/now/table/incident', undefined, `Bearer ${DESK_ACCOUNTS.servicenow.oauthToken}`)).status).toBe(200);
  });

  it('answers 404 for unknown records and 400 for unknown tables', async () => {
    const missing = await call('GET', `/api/now/table/incident/${'0'.repeat(32)}`);
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toBe('No Record found');
    expect((await call('PATCH', `/api/now/table/incident/${'0'.repeat(32)}`, { work_notes: 'x' })).status).toBe(404);
    expect((await call('GET', '/api/now/table/no_such_table')).status).toBe(400);
  });

  it('stores work notes from PATCH, reads journal fields back empty, and finds the note by receipt', async () => {
    const incident = desks.state.servicenow.tickets[1]!;
    const receipt = '7d0c2b1e-1111-4222-8333-944455556666';
    const res = await call('PATCH', `/api/now/table/incident/${incident.id}`, {
      work_notes: `Vouchsafe · Secret sent\nReceipt: ${receipt}`,
    });
    expect(res.status).toBe(200);
    expect(res.json.result).toMatchObject({ sys_id: incident.id, work_notes: '', comments: '' });
    expect(desks.state.notes('servicenow', incident.ticketId).map((n) => n.body)).toEqual([`Vouchsafe · Secret sent\nReceipt: ${receipt}`]);
    expect(desks.state.notes('servicenow', incident.id)).toHaveLength(1);

    const search = (id: string, value: string) =>
      call(
        'GET',
        `/api/now/table/sys_journal_field?sysparm_query=${encodeURIComponent(`element_id=${id}^element=work_notes^valueLIKE${value}`)}&sysparm_fields=sys_id&sysparm_limit=1`,
      );
    const found = await search(incident.id, receipt);
    expect(found.json.result).toEqual([{ sys_id: desks.state.notes('servicenow', incident.id)[0]!.id }]);
    expect((await search(incident.id, 'some-other-receipt')).json.result).toEqual([]);
    expect((await search(desks.state.servicenow.tickets[0]!.id, receipt)).json.result).toEqual([]);
  });

  it('stores additional comments as public, and answers 400 to bad JSON', async () => {
    const incident = desks.state.servicenow.tickets[0]!;
    await call('PUT', `/api/now/table/incident/${incident.id}`, { comments: 'for the caller' });
    expect(desks.state.notes('servicenow', incident.id)).toEqual([]);
    expect(desks.state.comments('servicenow', incident.id)).toEqual([expect.objectContaining({ body: 'for the caller', isPublic: true })]);
    const bad = await call('PATCH', `/api/now/table/incident/${incident.id}`, '{"work_notes":');
    expect(bad.status).toBe(400);
    expect(bad.json.status).toBe('failure');
  });
});
