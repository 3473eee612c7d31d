import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ADMIN_CHANGE_PATHS,
  OPERATOR_CSRF_HEADER,
  OPERATOR_PATHS,
  SESSION_HEADER,
  type Desk,
  type IdpConfig,
  type VerificationPolicyInput,
} from '@vouchsafe/contracts';
import { deriveChecks, sealSecret, toBase64Url } from '@vouchsafe/crypto';
import { startApi, testCa, type ApiProcess } from '@vouchsafe/test-support';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import {
  OKTA_TEST_API_TOKEN,
  startOidcPeer,
  startOktaStandIn,
  startTwilioStandIn,
  type OidcPeer,
  type StartedOktaStandIn,
  type StartedTwilioStandIn,
} from '@vouchsafe/test-support/idps';
import { freshDatabase, type FreshDatabase } from '@vouchsafe/test-support/vitest';
import { createDb, type Db } from '../../src/db/database';
import { api } from '../harness';

/**
 * The set-up an outside attacker met: a real Postgres, TWO API processes with NODE_ENV=production (https-only
 * outbound, VOUCHSAFE_PUBLIC_URL required), the desk and IdP stand-ins served over https with a throwaway CA the
 * processes trust (NODE_EXTRA_CA_CERTS), and an operator allowlist naming exactly the stand-ins' address:port. Tokens
 * are scoped: `admin` for the operator's scripts, `secrets` for a sending script, `metrics` for monitoring.
 * Production runs four eyes (issue 10): the `ops` script asks for policy and IdP changes, and a second person — an
 * operator signed in at the OIDC peer with the admin role — approves them (`adminChange`).
 */

export const PUBLIC_URL = 'https://vouchsafe.example';
export const SLUGS: Record<Desk, string> = { zendesk: 'acme-zendesk', servicenow: 'acme-servicenow', jira: 'acme-jira' };

const token = () => randomBytes(32).toString('base64url');

export interface AttackWorld {
  a: ApiProcess;
  b: ApiProcess;
  database: FreshDatabase;
  /** Direct database access for assertions (never used to change what the API decides). */
  db: Db;
  desks: StartedDeskStandIns;
  okta: StartedOktaStandIn;
  twilio: StartedTwilioStandIn;
  oidc: OidcPeer;
  tokens: { admin: string; secrets: string; metrics: string };
  /** Bearer headers per token. */
  as: { admin: Record<string, string>; secrets: Record<string, string>; metrics: Record<string, string> };
  /** The environment both processes run with (to start a third one, or restart one). */
  env: Record<string, string>;
  /** The second person: an operator session (cookie + CSRF header) with the admin role, signed in through process a. */
  approver: Record<string, string>;
  /** The bank's workforce IdP where operators sign in. */
  workforce: OidcPeer;
  close(): Promise<void>;
}

export interface AttackWorldOptions {
  /** Extra environment for both processes (e.g. a lower public rate limit). */
  env?: Record<string, string>;
  policy?: VerificationPolicyInput;
}

export async function startAttackWorld(opts: AttackWorldOptions = {}): Promise<AttackWorld> {
  // The bank's workforce IdP (operators) is not the customers' IdP: a peer of its own, so the customer IdP's discovery
  // document is first fetched by the tests that need it uncached.
  const [database, desks, okta, twilio, oidc, workforce] = await Promise.all([
    freshDatabase(),
    startDeskStandIns({ tls: true }),
    startOktaStandIn({ tls: true }),
    startTwilioStandIn({ tls: true }),
    startOidcPeer({ flavor: 'generic', tls: true }),
    startOidcPeer({ tls: true, accounts: [{ email: APPROVER, name: 'Ada Approver', claims: { roles: ['vouchsafe-admin'] } }] }),
  ]);
  oidc.allowRedirectUri(`${PUBLIC_URL}/verify/callback/oidc`);
  workforce.allowRedirectUri(`${PUBLIC_URL}${OPERATOR_PATHS.callback}`);
  const tokens = { admin: token(), secrets: token(), metrics: token() };
  const allow = [desks.url, okta.url, twilio.url, oidc.url, workforce.url].map((u) => `127.0.0.1:${new URL(u).port}`).join(',');
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    VOUCHSAFE_PUBLIC_URL: PUBLIC_URL,
    VOUCHSAFE_OUTBOUND_ALLOW: allow,
    NODE_EXTRA_CA_CERTS: testCa().certFile,
    VOUCHSAFE_API_TOKENS: `ops:admin:${tokens.admin},sender:secrets:${tokens.secrets},monitor:metrics:${tokens.metrics}`,
    VOUCHSAFE_LOG_LEVEL: 'info',
    VOUCHSAFE_OUTBOX_INTERVAL_MS: '100',
    VOUCHSAFE_OPERATOR_ISSUER: workforce.issuer,
    VOUCHSAFE_OPERATOR_CLIENT_ID: workforce.clients.post.clientId,
    VOUCHSAFE_OPERATOR_CLIENT_SECRET: workforce.clients.post.clientSecret!,
    VOUCHSAFE_OPERATOR_ROLE_ADMIN: 'vouchsafe-admin',
    ...opts.env,
  };
  const a = await startApi({ databaseUrl: database.url, env });
  const b = await startApi({ databaseUrl: database.url, env });
  const as = {
    admin: { authorization: `Bearer ${tokens.admin}` },
    secrets: { authorization: `Bearer ${tokens.secrets}` },
    metrics: { authorization: `Bearer ${tokens.metrics}` },
  };
  const { db } = createDb(database.url, 4);
  const approver = await signInOperator(a.url, workforce, APPROVER);
  const world: AttackWorld = {
    a,
    b,
    database,
    db,
    desks,
    okta,
    twilio,
    oidc,
    tokens,
    as,
    env,
    approver,
    workforce,
    async close() {
      await Promise.all([a.stop(), b.stop()]);
      await db.destroy();
      await Promise.all([desks.close(), okta.close(), twilio.close(), oidc.close(), workforce.close()]);
      await database.drop();
    },
  };
  const tenants = desks.tenants();
  for (const body of [tenants.zendesk, tenants.servicenow]) {
    const res = await api(a.url, 'POST', '/api/v1/admin/tenants', body, as.admin);
    if (res.status !== 201) throw new Error(`tenant ${body.desk}: ${res.status} ${JSON.stringify(res.json)}`);
  }
  const connections: IdpConfig[] = [
    { kind: 'okta', orgUrl: okta.url, auth: { apiToken: OKTA_TEST_API_TOKEN } },
    twilio.config,
    oidc.idpConfig({ client: 'basic' }),
  ];
  for (const desk of ['zendesk', 'servicenow'] as const) {
    for (const config of connections) {
      await adminChange(world, 'PUT', `/api/v1/admin/tenants/${SLUGS[desk]}/idp/${config.kind}`, config);
    }
    await setPolicy(world, desk, opts.policy ?? { methods: ['okta_push', 'oidc', 'callback_sms'], recentFactorHours: 0 });
  }
  return world;
}

export async function setPolicy(w: AttackWorld, desk: Desk, policy: VerificationPolicyInput): Promise<void> {
  await adminChange(w, 'PUT', `/api/v1/admin/tenants/${SLUGS[desk]}/policy`, policy);
}

const APPROVER = 'ada.approver@bank.example';

/** A browser signing an operator in at the OIDC peer: the session cookie and the CSRF header for later requests. */
async function signInOperator(base: string, peer: OidcPeer, email: string): Promise<Record<string, string>> {
  const start = await fetch(`${base}${OPERATOR_PATHS.signIn}?return=/admin/`, { redirect: 'manual' });
  const pending = start.headers.getSetCookie().find((c) => c.startsWith('__Host-vouchsafe-operator-sign-in='));
  if (start.status !== 303 || !pending) throw new Error(`operator sign-in did not start: ${start.status}`);
  const query = await peer.signIn(start.headers.get('location')!, { email });
  const back = new URL(`${base}${OPERATOR_PATHS.callback}`);
  for (const [k, v] of Object.entries(query)) back.searchParams.set(k, v);
  const callback = await fetch(back, { redirect: 'manual', headers: { cookie: pending.split(';')[0]! } });
  const session = callback.headers.getSetCookie().find((c) => c.startsWith('__Host-vouchsafe-operator='));
  if (!session) throw new Error(`operator sign-in failed: ${callback.status} ${await callback.text()}`);
  const cookie = session.split(';')[0]!;
  const me = await api(base, 'GET', OPERATOR_PATHS.me, undefined, { cookie });
  return { cookie, [OPERATOR_CSRF_HEADER]: (me.json as { csrfToken: string }).csrfToken };
}

/**
 * A policy or IdP change as production makes it: the `ops` token asks (202, nothing applied yet), the signed-in
 * operator approves (the change applies in the approving transaction).
 */
export async function adminChange(
  w: Pick<AttackWorld, 'a' | 'as' | 'approver' | 'workforce'>,
  method: 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
) {
  const asked = await api(w.a.url, method, path, body, w.as.admin);
  if (asked.status !== 202) throw new Error(`${method} ${path}: ${asked.status} ${JSON.stringify(asked.json)}`);
  const id = (asked.json as { change: { id: string } }).change.id;
  let approved = await api(w.a.url, 'POST', ADMIN_CHANGE_PATHS.approve(id), {}, w.approver);
  // A process restarted without the KEK the session was sealed under (key rotation) asks the person to sign in again.
  if (approved.status === 401) {
    approved = await api(w.a.url, 'POST', ADMIN_CHANGE_PATHS.approve(id), {}, await signInOperator(w.a.url, w.workforce, APPROVER));
  }
  if (approved.status !== 200) throw new Error(`approve ${method} ${path}: ${approved.status} ${JSON.stringify(approved.json)}`);
}

export interface Sidebar {
  desk: Desk;
  ticketId: string;
  headers: Record<string, string>;
}

/** An agent (index in the stand-in) opens the sidebar on a Zendesk ticket through process `base`. */
export async function zendeskSidebar(w: AttackWorld, ticketId: string, agentIndex = 0, base = w.a.url): Promise<Sidebar> {
  const agent = w.desks.state.zendesk.agents[agentIndex]!;
  const res = await api(base, 'POST', '/api/v1/sessions/zendesk', { token: await w.desks.mint.zendesk({ agentId: agent.id }), ticketId });
  if (res.status !== 200) throw new Error(`session: ${res.status} ${JSON.stringify(res.json)}`);
  return { desk: 'zendesk', ticketId, headers: { [SESSION_HEADER]: res.json.session } };
}

export async function serviceNowSidebar(w: AttackWorld, ticketIndex = 0, base = w.a.url): Promise<Sidebar> {
  const ticket = w.desks.state.servicenow.tickets[ticketIndex]!;
  const token = await w.desks.mint.servicenow({ sysId: ticket.id, agentSysId: w.desks.state.servicenow.agents[0]!.id });
  const res = await api(base, 'POST', '/api/v1/sessions/servicenow', { token, table: ticket.table, sysId: ticket.id });
  if (res.status !== 200) throw new Error(`session: ${res.status} ${JSON.stringify(res.json)}`);
  return { desk: 'servicenow', ticketId: ticket.ticketId, headers: { [SESSION_HEADER]: res.json.session } };
}

export const sidebar = (base: string, s: Sidebar, method: string, path: string, body?: unknown) =>
  api(base, method, `/api/v1/sidebar${path}`, body, s.headers);

export { eventually } from '../sidebar-support';

/** A secret only the ticket's verified requester may open, sent from the sidebar; with the link key and its check. */
export async function sendVerifiedOnly(base: string, s: Sidebar, text = 'for the verified requester only') {
  const sealed = await sealSecret({ kind: 'text', text });
  const res = await sidebar(base, s, 'POST', '/secrets', {
    kind: 'text',
    ciphertext: toBase64Url(sealed.ciphertext),
    keyCheck: toBase64Url(sealed.keyCheck),
    requiresVerification: true,
  });
  if (res.status !== 201) throw new Error(`sidebar send: ${res.status} ${JSON.stringify(res.json)}`);
  return { id: res.json.id as string, linkKey: sealed.linkKey, keyCheck: toBase64Url((await deriveChecks(sealed.linkKey)).keyCheck) };
}

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/vouchsafe.mjs');

/** The real `vouchsafe` CLI with exactly this environment (plus PATH). */
export function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A client address for this scenario (the processes trust X-Forwarded-For from loopback, as behind a proxy). */
export const from = (address: string) => ({ 'x-forwarded-for': address });
