import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCa } from '@vouchsafe/test-support';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { createOutbound, outboundPolicy, parseOutboundAllow, type Resolver } from '../src/lib/outbound';
import { TOKEN, api, startTestApp, type TestApp } from './harness';

/**
 * DNS rebinding end to end, over HTTP, with the production policy: a desk whose name resolved to a public address when
 * it was registered and resolves to 127.0.0.1 when Vouchsafe connects. The desk stand-in serves https with a
 * certificate for that very name, so only the guard stands between the API and the request; the control app (the
 * operator allowed exactly the stand-in's address and port) shows the same request would otherwise get through.
 */

const auth = { authorization: `Bearer ${TOKEN}` };
const NAME = 'desk.rebind.example';

let desks: StartedDeskStandIns;
let port: number;

beforeAll(async () => {
  desks = await startDeskStandIns({ tls: { hostnames: [NAME] } });
  port = Number(new URL(desks.url).port);
  desks.setBaseUrl(`https://${NAME}:${port}`);
});
afterAll(async () => {
  await desks?.close();
});

/** Public at the first lookup (registration), loopback from then on (every connect). */
function rebinding(): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = async (hostname: string): Promise<LookupAddress[]> => {
    calls.push(hostname);
    return [{ address: calls.length === 1 ? '93.184.215.14' : '127.0.0.1', family: 4 }];
  };
  return Object.assign(resolver, { calls });
}

async function appWith(resolve: Resolver, allow = ''): Promise<TestApp> {
  const policy = outboundPolicy({ allowInsecureHelpdesks: false, outboundAllow: parseOutboundAllow(allow) });
  return startTestApp({
    config: { allowInsecureHelpdesks: false, outboundAllow: policy.allow },
    outbound: createOutbound(policy, { resolve, ca: testCa().certPem }),
  });
}

async function openZendeskSidebar(t: TestApp) {
  const ticket = desks.state.zendesk.tickets[0]!;
  const token = await desks.mint.zendesk({ agentId: desks.state.zendesk.agents[0]!.id });
  return api(t.url, 'POST', '/api/v1/sessions/zendesk', { token, ticketId: ticket.id });
}

describe('a desk that rebinds to loopback after registration', () => {
  it('registers (public then), and every later connection is refused with nothing sent to the desk', async () => {
    const resolve = rebinding();
    const t = await appWith(resolve);
    try {
      const register = await api(t.url, 'POST', '/api/v1/admin/tenants', desks.tenants().zendesk, auth);
      expect(register.status, JSON.stringify(register.json)).toBe(201);
      desks.state.reset();
      const session = await openZendeskSidebar(t);
      expect(session.status).toBe(502);
      expect(session.json.error.code).toBe('helpdesk_unavailable');
      expect(resolve.calls.length).toBeGreaterThanOrEqual(2);
      expect(desks.state.requests()).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('control: with exactly that address and port allowed by the operator, the same sidebar opens', async () => {
    const t = await appWith(async () => [{ address: '127.0.0.1', family: 4 }], `127.0.0.1:${port}`);
    try {
      expect((await api(t.url, 'POST', '/api/v1/admin/tenants', desks.tenants().zendesk, auth)).status).toBe(201);
      desks.state.reset();
      const session = await openZendeskSidebar(t);
      expect(session.status, JSON.stringify(session.json)).toBe(200);
      expect(desks.state.requests('zendesk').length).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});
