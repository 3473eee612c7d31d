import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_CHANGE_PATHS,
  API_PATHS,
  CHANGE_REASON_HEADER,
  OPERATOR_CSRF_HEADER,
  type IdpConfig,
  type OperatorRole,
} from '@vouchsafe/contracts';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { idpRemoveCommand, policySetCommand } from '../src/cli/idp-commands';
import { createOperatorTokens } from '../src/modules/operators/operator-session';
import type { OperatorSettings } from '../src/modules/operators/operator-settings';
import { TOKEN, api, startTestApp, type TestApp } from './harness';

/**
 * Maker-checker (issue 10, modules/changes) over HTTP on one real Postgres, with VOUCHSAFE_APPROVALS=four_eyes: real
 * operator sessions (minted by the session code the sign-in callback uses), the bootstrap admin token, and tokens
 * created by an operator (which act as that operator).
 */

let t: TestApp;
let restricted: TestApp;
let desks: StartedDeskStandIns;
const bootstrap = { authorization: `Bearer ${TOKEN}` };

const OKTA_SECRET = '00okta-maker-checker-secret-4711';
const TWILIO_SECRET = 'twilio-maker-checker-secret-0815';
const okta: IdpConfig = { kind: 'okta', orgUrl: 'http://localhost:4711', auth: { apiToken: OKTA_SECRET } };
const twilio: IdpConfig = {
  kind: 'twilio',
  accountSid: `AC${'a'.repeat(32)}`,
  authToken: TWILIO_SECRET,
  serviceSid: `VA${'b'.repeat(32)}`,
};

const settings = (tenants: string[] | null = null): OperatorSettings => ({
  // Sessions are minted directly: the issuer is never contacted in this file (operators.test.ts signs in for real).
  issuer: 'https://idp.bank.invalid',
  clientId: 'vouchsafe',
  clientSecret: 'not-used-in-this-file',
  scopes: ['openid'],
  rolesClaim: 'roles',
  roleValues: { admin: ['a'], policy_approver: ['p'], auditor: ['r'] },
  tenants,
  isSecure: false,
});

type Who = Record<string, string>;
/** An operator's browser: session cookie, plus the CSRF header every non-GET request carries. */
async function operator(subject: string, label: string, roles: OperatorRole[]): Promise<Who> {
  const { token, session } = await createOperatorTokens(t.keyring).mintSession({ subject, label, roles });
  return { cookie: `vouchsafe-operator=${token}`, [OPERATOR_CSRF_HEADER]: session.csrfToken };
}
let adam: Who;
let bea: Who;
let pat: Who;

const policyUrl = (slug: string) => API_PATHS.adminPolicy(slug);
const approve = (id: string, who: Who, app = t) => api(app.url, 'POST', ADMIN_CHANGE_PATHS.approve(id), {}, who);
const events = async (type: string) =>
  (await sql<{ data: Record<string, unknown> }>`SELECT data FROM audit_events WHERE type = ${type} ORDER BY seq`.execute(t.db)).rows.map(
    (r) => r.data,
  );
const policyVersions = async () =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM verification_policies`.execute(t.db)).rows[0]!.n);

beforeAll(async () => {
  desks = await startDeskStandIns();
  t = await startTestApp({ config: { approvals: 'four_eyes', operators: settings() } });
  restricted = await t.another({ config: { approvals: 'four_eyes', operators: settings(['acme-zendesk']) } });
  for (const body of [desks.tenants().zendesk, desks.tenants().servicenow]) {
    expect((await api(t.url, 'POST', API_PATHS.adminTenants, body, bootstrap)).status).toBe(201);
  }
  [adam, bea, pat] = await Promise.all([
    operator('adam-0001', 'Adam Admin', ['admin']),
    operator('bea-0002', 'Bea Admin', ['admin']),
    operator('pat-0003', 'Pat Approver', ['policy_approver']),
  ]);
  // Connections first (each a change of its own), approved by someone else than the bootstrap token that asked.
  for (const c of [okta, twilio]) {
    const asked = await api(t.url, 'PUT', API_PATHS.adminIdp('acme-zendesk', c.kind), c, bootstrap);
    expect(asked.status, JSON.stringify(asked.json)).toBe(202);
    expect((await approve(asked.json.change.id, adam)).status).toBe(200);
  }
}, 60_000);
afterAll(async () => {
  await restricted?.close();
  await t?.close();
  await desks?.close();
});

describe('maker-checker (four eyes)', () => {
  it('stores a policy change as pending (202), applies nothing, and applies it when another person approves', async () => {
    const before = await policyVersions();
    const asked = await api(
      t.url,
      'PUT',
      policyUrl('acme-zendesk'),
      { methods: ['okta_push', 'callback_sms'], deskPhoneFallback: { isAllowed: true } },
      { ...bootstrap, [CHANGE_REASON_HEADER]: 'Callers without the app, asked by jane.doe@bank.example' },
    );
    expect(asked.status, JSON.stringify(asked.json)).toBe(202);
    const change = asked.json.change;
    expect(asked.json.status).toBe('pending_approval');
    expect(change).toMatchObject({ tenant: 'acme-zendesk', kind: 'policy.set', target: null, state: 'pending', weakens: true });
    expect(change.requestedBy).toBe('api-token:integration');
    expect(change.requestReason).toMatch(/^Callers without the app, asked by /);
    expect(change.requestReason).not.toContain('jane.doe@bank.example');
    expect(change.fields).toContainEqual({ path: 'deskPhoneFallback.isAllowed', before: 'false', after: 'true', weakens: true });
    expect(change.summary).toMatch(/^Policy: allow the desk's phone number for callbacks/);
    // Nothing applied: same versions, the GET still shows the old policy.
    expect(await policyVersions()).toBe(before);
    expect((await api(t.url, 'GET', policyUrl('acme-zendesk'), undefined, adam)).json.isDefault).toBe(true);

    // The same validation as before four eyes: an unconnected method is still 422, and nothing is stored.
    const invalid = await api(t.url, 'PUT', policyUrl('acme-zendesk'), { methods: ['duo_push'] }, bootstrap);
    expect(invalid.status).toBe(422);

    // An ownerless (bootstrap) token may ask, never decide.
    const byToken = await approve(change.id, bootstrap);
    expect(byToken.status).toBe(403);
    expect(byToken.json.error.message).toMatch(/decided by a person: an API token without an owner/);

    const list = await api(t.url, 'GET', ADMIN_CHANGE_PATHS.changes, undefined, pat);
    expect(list.json.approvals).toBe('four_eyes');
    expect(list.json.changes.find((c: { id: string }) => c.id === change.id)).toMatchObject({ canDecide: true, isOwnRequest: false });

    // An approver (policy_approver) decides, with the CSRF header; without it the session is refused.
    const noCsrf = await api(t.url, 'POST', ADMIN_CHANGE_PATHS.approve(change.id), {}, { cookie: pat.cookie! });
    expect(noCsrf.status).toBe(403);
    const approved = await api(t.url, 'POST', ADMIN_CHANGE_PATHS.approve(change.id), { reason: 'Agreed with the fraud team' }, pat);
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    expect(approved.json).toMatchObject({ state: 'approved', decidedBy: 'Pat Approver', decisionReason: 'Agreed with the fraud team' });
    const shown = (await api(t.url, 'GET', policyUrl('acme-zendesk'), undefined, adam)).json;
    expect(shown).toMatchObject({ version: 1, changedBy: 'operator:pat-0003', policy: { deskPhoneFallback: { isAllowed: true } } });
    expect((await events('policy.changed')).at(-1)).toMatchObject({
      version: 1,
      actor: 'operator:pat-0003',
      requestedBy: 'api-token:integration',
      approvals: 'four_eyes',
      change: change.id,
    });
    expect((await events('admin.change_approved')).at(-1)).toMatchObject({
      change: change.id,
      actor: 'operator:pat-0003',
      approvedBy: 'operator:pat-0003',
      requestedBy: 'api-token:integration',
      weakens: true,
    });
    // An approver makes no changes.
    expect((await api(t.url, 'PUT', policyUrl('acme-zendesk'), { methods: ['okta_push'] }, pat)).status).toBe(403);
  });

  it('refuses self-approval (also through a token the requester made), and the database refuses it too', async () => {
    const asked = await api(t.url, 'DELETE', API_PATHS.adminIdp('acme-zendesk', 'twilio'), undefined, adam);
    expect(asked.status, JSON.stringify(asked.json)).toBe(202);
    const id: string = asked.json.change.id;
    expect(asked.json.change).toMatchObject({
      kind: 'idp.remove',
      target: 'twilio',
      requestedBy: 'Adam Admin',
      isOwnRequest: true,
      canDecide: false,
    });
    const self = await approve(id, adam);
    expect(self.status).toBe(403);
    expect(self.json.error.message).toMatch(/You asked for this change/);

    // A token Adam creates is owned by Adam and acts as Adam: minting a second token never makes a second person.
    const minted = await api(t.url, 'POST', API_PATHS.adminApiTokens, { name: 'adam-script', scopes: ['admin'] }, adam);
    expect(minted.status, JSON.stringify(minted.json)).toBe(201);
    expect(minted.json.createdBy).toBe('operator:adam-0001');
    const asAdamToken = { authorization: `Bearer ${minted.json.token}` };
    const viaToken = await approve(id, asAdamToken);
    expect(viaToken.status).toBe(403);
    expect(viaToken.json.error.message).toMatch(/You asked for this change/);
    // An admin operator cannot hand out a scope no admin holds.
    expect((await api(t.url, 'POST', API_PATHS.adminApiTokens, { name: 'peek', scopes: ['auditor'] }, adam)).status).toBe(403);

    // Even with the service bypassed, the CHECK refuses a decision by the requester.
    await expect(
      sql`UPDATE pending_changes SET state = 'approved', decided_by = requested_by, decided_by_label = 'x', decided_at = now()
           WHERE id = ${id}`.execute(t.db),
    ).rejects.toMatchObject({ code: '23514', constraint: 'pending_changes_no_self_approval_ck' });

    // Bea's own token (owned by Bea) may approve: a person who is not the requester. The connection is gone.
    const beaToken = await api(t.url, 'POST', API_PATHS.adminApiTokens, { name: 'bea-script', scopes: ['admin'] }, bea);
    const done = await approve(id, { authorization: `Bearer ${beaToken.json.token}` });
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    expect(done.json.decidedBy).toBe('Bea Admin (token bea-script)');
    expect(
      (await api(t.url, 'GET', API_PATHS.adminIdps('acme-zendesk'), undefined, adam)).json.idps.map((i: { kind: string }) => i.kind),
    ).toEqual(['okta']);
    expect((await events('idp.removed')).at(-1)).toMatchObject({
      kind: 'twilio',
      actor: 'api-token:bea-script',
      requestedBy: 'operator:adam-0001',
    });
  });

  it('lets exactly one of two concurrent approvers apply a change', async () => {
    const asked = await api(t.url, 'PUT', API_PATHS.adminIdp('acme-zendesk', 'twilio'), twilio, adam);
    expect(asked.status).toBe(202);
    const id: string = asked.json.change.id;
    const before = (await events('idp.configured')).length;
    const answers = await Promise.all([approve(id, bea), approve(id, pat, restricted)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect((await events('idp.configured')).length).toBe(before + 1);
    expect((await events('admin.change_approved')).filter((e) => e.change === id)).toHaveLength(1);
  });

  it('never applies a change that another person decided while the approval was under way', async () => {
    const asked = await api(t.url, 'PUT', policyUrl('acme-zendesk'), { methods: ['okta_push'], lifetimeSeconds: 600 }, bea);
    const id: string = asked.json.change.id;
    const versions = await policyVersions();
    let answer: Promise<{ status: number }> | undefined;
    // A concurrent decision (a rejection, written here directly) holds the row while the approval runs into it.
    await t.db.transaction().execute(async (trx) => {
      await sql`SELECT id FROM pending_changes WHERE id = ${id} FOR UPDATE`.execute(trx);
      answer = approve(id, adam);
      for (;;) {
        const { rows } = await sql<{ n: string }>`
          SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`.execute(t.db);
        if (Number(rows[0]!.n) > 0) break;
        await new Promise((r) => setImmediate(r));
      }
      await sql`UPDATE pending_changes SET state = 'rejected', decided_by = 'operator:pat-0003', decided_by_label = 'Pat Approver',
                       decided_at = now(), decision_reason = 'not now' WHERE id = ${id}`.execute(trx);
    });
    expect((await answer!).status).toBe(409);
    expect(await policyVersions()).toBe(versions);
    expect((await api(t.url, 'GET', ADMIN_CHANGE_PATHS.change(id), undefined, adam)).json.state).toBe('rejected');
  });

  it('rejects with a reason, withdraws by the requester only', async () => {
    const ask = () => api(t.url, 'PUT', policyUrl('acme-zendesk'), { methods: ['okta_push'], supervisors: ['9001'] }, adam);
    const first = (await ask()).json.change;
    expect(first.fields).toContainEqual({ path: 'supervisors', before: '[]', after: '["9001"]', weakens: true });
    expect((await api(t.url, 'POST', ADMIN_CHANGE_PATHS.reject(first.id), {}, bea)).status).toBe(422);
    const rejected = await api(t.url, 'POST', ADMIN_CHANGE_PATHS.reject(first.id), { reason: 'No supervisors on this desk' }, bea);
    expect(rejected.json).toMatchObject({ state: 'rejected', decidedBy: 'Bea Admin', decisionReason: 'No supervisors on this desk' });
    expect((await approve(first.id, pat)).status).toBe(409);

    const second = (await ask()).json.change;
    expect((await api(t.url, 'POST', ADMIN_CHANGE_PATHS.withdraw(second.id), undefined, bea)).status).toBe(403);
    const withdrawn = await api(t.url, 'POST', ADMIN_CHANGE_PATHS.withdraw(second.id), undefined, adam);
    expect(withdrawn.json).toMatchObject({ state: 'withdrawn', decidedBy: null });
    expect((await approve(second.id, bea)).status).toBe(409);
    expect((await events('admin.change_rejected')).at(-1)).toMatchObject({
      change: first.id,
      actor: 'operator:bea-0002',
      requestedBy: 'operator:adam-0001',
    });
    expect((await events('admin.change_withdrawn')).at(-1)).toMatchObject({ change: second.id, actor: 'operator:adam-0001' });
  });

  it('supersedes a change whose base moved (409), and shows a change past its window as expired', async () => {
    const ask = (recentFactorHours: number) =>
      api(t.url, 'PUT', policyUrl('acme-zendesk'), { methods: ['okta_push'], recentFactorHours }, bea).then(
        (r) => r.json.change.id as string,
      );
    const [one, two, three] = [await ask(1), await ask(2), await ask(3)];
    expect((await approve(one, adam)).status).toBe(200);
    const stale = await approve(two, adam);
    expect(stale.status).toBe(409);
    expect(stale.json.error.message).toMatch(/superseded/);
    expect((await api(t.url, 'GET', ADMIN_CHANGE_PATHS.change(two), undefined, adam)).json.state).toBe('superseded');
    expect((await api(t.url, 'GET', policyUrl('acme-zendesk'), undefined, adam)).json.policy.recentFactorHours).toBe(1);

    await sql`UPDATE pending_changes SET requested_at = now() - interval '8 days', expires_at = now() - interval '1 day'
               WHERE id = ${three}`.execute(t.db);
    expect((await api(t.url, 'GET', ADMIN_CHANGE_PATHS.change(three), undefined, adam)).json.state).toBe('expired');
    const pending = (await api(t.url, 'GET', ADMIN_CHANGE_PATHS.changes, undefined, adam)).json.changes.map((c: { id: string }) => c.id);
    expect(pending).not.toContain(three);
    expect((await approve(three, adam)).status).toBe(409);
    expect((await api(t.url, 'POST', ADMIN_CHANGE_PATHS.withdraw(three), undefined, bea)).status).toBe(409);
  });

  it('keeps operators restricted to their tenants (404 for others, lists filtered)', async () => {
    const other = await api(t.url, 'PUT', policyUrl('acme-servicenow'), { methods: ['okta_push'] }, bootstrap);
    expect(other.status).toBe(422); // no okta connection there: validated as before, nothing stored
    const asked = await api(t.url, 'PUT', API_PATHS.adminIdp('acme-servicenow', 'twilio'), twilio, bootstrap);
    expect(asked.status).toBe(202);
    const id: string = asked.json.change.id;
    expect((await api(restricted.url, 'GET', ADMIN_CHANGE_PATHS.change(id), undefined, adam)).status).toBe(404);
    expect((await approve(id, adam, restricted)).status).toBe(404);
    const list = (await api(restricted.url, 'GET', `${ADMIN_CHANGE_PATHS.changes}?state=all`, undefined, adam)).json.changes;
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((c: { tenant: string }) => c.tenant === 'acme-zendesk')).toBe(true);
    expect((await api(restricted.url, 'GET', policyUrl('acme-servicenow'), undefined, adam)).status).toBe(404);
    const tenants = (await api(restricted.url, 'GET', API_PATHS.adminTenants, undefined, adam)).json.tenants;
    expect(tenants.map((x: { slug: string }) => x.slug)).toEqual(['acme-zendesk']);
    // An API token is not an operator: the restriction does not apply to it.
    expect((await api(restricted.url, 'GET', ADMIN_CHANGE_PATHS.change(id), undefined, bootstrap)).status).toBe(200);
  });

  it('the CLI says a change waits for approval, and which one', async () => {
    const lines: string[] = [];
    const out = { info: (l: string) => lines.push(l), result: (l: string) => lines.push(l) };
    const opts = { api: t.url, token: TOKEN, cwd: process.cwd() };
    const stdin = Readable.from([JSON.stringify({ methods: ['okta_push'], lifetimeSeconds: 300 })]);
    await policySetCommand({ ...opts, slug: 'acme-zendesk', file: '-' }, out, stdin);
    await idpRemoveCommand({ ...opts, slug: 'acme-zendesk', kind: 'okta' }, out);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/: waiting for approval \(change [0-9a-f-]{36}\)\. Another administrator approves it/);
    expect(lines[1]).toMatch(/^Remove the okta connection: waiting/);
  });

  it('names real people in the trail and stores no secret in clear', async () => {
    const rows = (
      await sql<{ type: string; data: string }>`
      SELECT type, data::text AS data FROM audit_events WHERE type LIKE 'admin.change_%' OR type LIKE 'idp.%' OR type = 'policy.changed'`.execute(
        t.db,
      )
    ).rows;
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) expect(JSON.parse(r.data).actor, r.type).toMatch(/^(operator:[a-z0-9-]+|api-token:[a-z0-9-]+)$/);
    const stored = (await sql<{ all: string }>`SELECT string_agg(c::text, '|') AS all FROM pending_changes c`.execute(t.db)).rows[0]!.all;
    const everything = [JSON.stringify(rows), stored, t.logs.join('')].join('\n');
    for (const secret of [OKTA_SECRET, TWILIO_SECRET]) expect(everything).not.toContain(secret);
    // The approver sees that the secret is set, never its value.
    const okta = (await sql<{ fields: unknown }>`SELECT fields FROM pending_changes WHERE target = 'okta'`.execute(t.db)).rows[0]!.fields;
    expect(okta).toContainEqual({ path: 'auth.apiToken', before: null, after: '(set)', weakens: true });
  });
});
