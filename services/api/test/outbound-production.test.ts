import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, testCa, TEST_API_TOKEN, type ApiProcess } from '@vouchsafe/test-support';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { startOidcPeer, type OidcPeer } from '@vouchsafe/test-support/idps';
import { freshDatabase, type FreshDatabase } from '@vouchsafe/test-support/vitest';
import { api } from './harness';

/**
 * A real API process with NODE_ENV=production against https stand-ins on 127.0.0.1 (throwaway CA trusted through
 * NODE_EXTRA_CA_CERTS). The operator allows exactly the desk's and the OIDC peer's address:port; the desk is
 * registered and used (a sidebar session looks the ticket up over https), the peer's discovery is registered, and
 * every other loopback port or spelling is refused. This is the set-up production-mode attack suites build on.
 */

const auth = { authorization: `Bearer ${TEST_API_TOKEN}` };

let database: FreshDatabase;
let desks: StartedDeskStandIns;
let peer: OidcPeer;
let apiProcess: ApiProcess;
let deskPort: number;
let peerPort: number;

beforeAll(async () => {
  [database, desks, peer] = await Promise.all([freshDatabase(), startDeskStandIns({ tls: true }), startOidcPeer({ tls: true })]);
  deskPort = Number(new URL(desks.url).port);
  peerPort = Number(new URL(peer.url).port);
  apiProcess = await startApi({
    databaseUrl: database.url,
    env: {
      NODE_ENV: 'production',
      VOUCHSAFE_PUBLIC_URL: 'https://vouchsafe.example',
      VOUCHSAFE_OUTBOUND_ALLOW: `127.0.0.1:${deskPort},127.0.0.1:${peerPort}`,
      NODE_EXTRA_CA_CERTS: testCa().certFile,
    },
  });
});
afterAll(async () => {
  await apiProcess?.stop();
  await Promise.all([desks?.close(), peer?.close()]);
  await database?.drop();
});

describe('production mode with an operator allowlist', () => {
  it('serves the stand-ins over https and logs the allowlist at start', () => {
    expect(desks.url).toBe(`https://127.0.0.1:${deskPort}`);
    expect(peer.issuer).toBe(`https://127.0.0.1:${peerPort}`);
    expect(apiProcess.logs()).toContain('VOUCHSAFE_OUTBOUND_ALLOW');
  });

  it('registers the allowlisted https desk and uses it: a sidebar session looks the ticket up through it', async () => {
    const res = await api(apiProcess.url, 'POST', '/api/v1/admin/tenants', desks.tenants().zendesk, auth);
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    desks.state.reset();
    const ticket = desks.state.zendesk.tickets[0]!;
    const token = await desks.mint.zendesk({ agentId: desks.state.zendesk.agents[0]!.id });
    const session = await api(apiProcess.url, 'POST', '/api/v1/sessions/zendesk', { token, ticketId: ticket.id });
    expect(session.status, JSON.stringify(session.json)).toBe(200);
    expect(desks.state.requests('zendesk').length).toBeGreaterThan(0);
  });

  it('accepts the allowlisted https OIDC issuer (production runs four eyes: it then waits for a second person)', async () => {
    const res = await api(apiProcess.url, 'PUT', '/api/v1/admin/tenants/acme-zendesk/idp/oidc', peer.idpConfig(), auth);
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    expect(res.json.change).toMatchObject({ kind: 'idp.set', target: 'oidc', state: 'pending' });
  });

  it('refuses every other port, spelling and scheme of the same loopback stand-ins (422 naming the field)', async () => {
    const { servicenow } = desks.tenants();
    const bad = [
      `https://127.0.0.1:${deskPort + 1}`,
      `https://127.0.0.2:${deskPort}`,
      `https://localhost:${deskPort}`,
      `https://[::1]:${deskPort}`,
      `https://[::ffff:7f00:1]:${deskPort}`,
      `https://0x7f000001:${deskPort}`,
      `https://2130706433:${deskPort}`,
      `https://127.1:${deskPort}`,
      `http://127.0.0.1:${deskPort}`,
    ];
    for (const base of bad) {
      const desk = await api(apiProcess.url, 'POST', '/api/v1/admin/tenants', { ...servicenow, apiBaseUrl: `${base}/servicenow` }, auth);
      expect(desk.status, base).toBe(422);
      expect(desk.json.error.issues.map((i: { path: string }) => i.path)).toEqual(['apiBaseUrl']);
      const idp = await api(
        apiProcess.url,
        'PUT',
        '/api/v1/admin/tenants/acme-zendesk/idp/okta',
        { kind: 'okta', orgUrl: base, auth: { apiToken: '00okta-token-for-tests' } },
        auth,
      );
      expect(idp.status, base).toBe(422);
      expect(idp.json.error.issues.map((i: { path: string }) => i.path)).toEqual(['orgUrl']);
    }
    const tenants = await api(apiProcess.url, 'GET', '/api/v1/admin/tenants', undefined, auth);
    expect(tenants.json.tenants.map((x: { slug: string }) => x.slug)).not.toContain('acme-servicenow');
  });
});
