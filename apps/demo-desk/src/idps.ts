import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response, type Router } from 'express';
import type { Desk, IdpConfig, VerificationPolicyInput } from '@vouchsafe/contracts';
import {
  DUO_INTERCEPT_MODULE,
  DUO_STANDIN_ENV,
  OKTA_TEST_API_TOKEN,
  createDuoStandIn,
  duoPromptUrlAt,
  startGraphStandIn,
  startOidcPeer,
  startOktaStandIn,
  startTwilioStandIn,
  type DuoStandIn,
  type DuoUserScript,
  type NextLogin,
  type OidcPeer,
  type OktaOutcome,
  type OktaScript,
  type StartedGraphStandIn,
  type StartedOktaStandIn,
  type StartedTwilioStandIn,
} from '@vouchsafe/test-support/idps';
import type { RegisteredTenant } from './register';

/**
 * The identity-provider stand-ins next to the desk stand-ins, for the e2e run and the demo desk: Okta, Duo (Auth API +
 * Universal Prompt, reached by the API through in-process interception), two real OIDC peers (generic and
 * Entra-flavoured, the latter with a Microsoft Graph stand-in over the same directory for the oid lookup) and Twilio
 * Verify. `configure()` registers them as each desk tenant's IdP connections with a policy;
 * `phoneRouter` serves the simulated phone (pending pushes with Approve / Deny, codes sent, links sent); `controlRouter`
 * lets Playwright workers enrol people and script outcomes (tests only).
 */

export interface IdpUrls {
  okta: string;
  duo: string;
  /** Generic OIDC peer (issuer = url). */
  oidc: string;
  /** Entra-flavoured peer: control routes at `url`, issuer `<url>/<tenant>/v2.0`. */
  entra: string;
  /** Microsoft Graph stand-in (the Entra directory lookup). */
  graph: string;
  twilio: string;
  /** The Duo API host the SDKs call (rerouted to `duo`). */
  duoApiHost: string;
}

export interface Enrolment {
  email: string;
  name?: string;
  /** E.164, for callbacks. */
  phone?: string | null;
  /** Okta push outcome (default manual: the phone page answers). `null`: not an Okta user. */
  okta?: OktaOutcome | OktaScript | null;
  /** Duo user script (default: push answered by the phone page). `null`: not a Duo user. */
  duo?: DuoUserScript | null;
}

export interface IdpStandIns {
  readonly urls: IdpUrls;
  readonly okta: StartedOktaStandIn;
  readonly duo: DuoStandIn;
  readonly oidc: OidcPeer;
  readonly entra: OidcPeer;
  /** Microsoft Graph over the Entra peer's accounts: the API finds the requester's object id there. */
  readonly graph: StartedGraphStandIn;
  readonly twilio: StartedTwilioStandIn;
  /** What the API process needs: `node --import` the Duo interception, with the stand-in's URL in its environment. */
  readonly api: { imports: string[]; env: Record<string, string> };
  /** Lets both OIDC peers redirect to the API's callback (`<apiUrl>/verify/callback/oidc`). */
  allowCallbacks(apiUrls: readonly string[]): void;
  /** PUTs each desk tenant's IdP connections and policy through the admin API. */
  configure(opts: {
    apiUrl: string;
    apiToken: string;
    tenants: readonly RegisteredTenant[];
    policies: Partial<Record<Desk, VerificationPolicyInput>>;
  }): Promise<void>;
  /** Makes `person` known to Okta (push factor enrolled 30 days ago), Duo and both OIDC peers (and so to Graph). */
  enroll(person: Enrolment): void;
  /** `/__control/idps/*` (tests only). */
  controlRouter(): Router;
  /** `/phone` and `/phone/api/*`: the simulated phone. `links` lists links sent to requesters (public replies). */
  phoneRouter(links: () => PhoneLink[]): Router;
  close(): Promise<void>;
}

/** A verification link the desk sent to a requester (a public reply), as the requester's mailbox shows it. */
export interface PhoneLink {
  to: string;
  ticket: string;
  url: string;
  sentAt: string;
}

export interface IdpStandInsOptions {
  /** Fixed port for the Duo stand-in (the demo: the API is spawned before the desk and needs it); default any. */
  duoPort?: number;
}

/**
 * The IdP connections each desk tenant gets. Zendesk has every method; ServiceNow Entra (matched on the object id
 * Graph finds for the requester) + Okta (private key); Jira Okta + Duo.
 */
export function idpConfigsFor(
  desk: Desk,
  s: Pick<IdpStandIns, 'okta' | 'duo' | 'oidc' | 'entra' | 'graph' | 'twilio'>,
  oktaKey?: IdpConfig,
): IdpConfig[] {
  const okta: IdpConfig = { kind: 'okta', orgUrl: s.okta.url, auth: { apiToken: OKTA_TEST_API_TOKEN } };
  const duo = s.duo.config as IdpConfig;
  const twilio = s.twilio.config as IdpConfig;
  if (desk === 'zendesk') return [okta, duo, s.oidc.idpConfig({ client: 'basic' }), twilio];
  if (desk === 'servicenow') return [oktaKey ?? okta, s.entra.idpConfig({ client: 'post', graph: s.graph.config }), twilio];
  return [okta, duo];
}

async function listen(app: express.Express, port = 0): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function put(url: string, token: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  // Never echo the request: it holds IdP credentials.
  if (!res.ok) throw new Error(`PUT ${new URL(url).pathname} answered ${res.status} ${(await res.text()).slice(0, 300)}`);
  await res.body?.cancel();
}

export async function startIdpStandIns(opts: IdpStandInsOptions = {}): Promise<IdpStandIns> {
  const okta = await startOktaStandIn();
  const duo = createDuoStandIn();
  const duoApp = express();
  duoApp.disable('x-powered-by');
  duoApp.use(duo.router);
  const duoServer = await listen(duoApp, opts.duoPort);
  const oidc = await startOidcPeer({ flavor: 'generic' });
  const entra = await startOidcPeer({ flavor: 'entra' });
  // The app registration ServiceNow's connection uses (`post`) is granted User.Read.All.
  const graph = await startGraphStandIn({
    tenantId: entra.tenantId,
    clients: [{ clientId: entra.clients.post.clientId, clientSecret: entra.clients.post.clientSecret ?? '' }],
    directory: () => entra.directoryUsers(),
  });
  const twilio = await startTwilioStandIn();
  const oktaServiceApp = okta.createServiceApp({ scopes: ['okta.users.read', 'okta.users.manage'] });

  const urls: IdpUrls = {
    okta: okta.url,
    duo: duoServer.url,
    oidc: oidc.url,
    entra: entra.url,
    graph: graph.url,
    twilio: twilio.url,
    duoApiHost: duo.apiHost,
  };

  function enroll(p: Enrolment): void {
    const email = p.email.trim().toLowerCase();
    if (p.okta !== null) {
      if (!okta.state.findUser(email)) {
        const [first, ...rest] = (p.name ?? email.split('@')[0] ?? 'Customer').split(' ');
        okta.state.addUser({ email, firstName: first, lastName: rest.join(' ') || 'Customer', mobilePhone: p.phone ?? null });
      }
      okta.state.setOutcome(email, p.okta ?? 'manual');
    }
    if (p.duo !== null) duo.setUser(email, { outcome: 'manual', ...(p.duo ?? {}) });
    for (const peer of [oidc, entra]) peer.addAccount(email, p.name);
  }

  function controlRouter(): Router {
    const router = express.Router();
    router.use(express.json({ limit: '64kb' }));
    router.get('/urls', (_req, res) => res.json(urls));
    router.post('/enroll', (req, res) => {
      const body = req.body as Enrolment;
      if (typeof body?.email !== 'string') return void res.status(400).json({ error: 'email is required' });
      enroll(body);
      res.status(204).end();
    });
    // Claims of the next sign-in at one peer (one-shot): { peer: 'oidc' | 'entra', login: NextLogin }.
    router.post('/next-login', (req, res) => {
      const peer = req.body?.peer === 'entra' ? entra : oidc;
      peer.setNextLogin(req.body?.login as NextLogin);
      res.status(204).end();
    });
    router.get('/okta/transactions', (req, res) => {
      const login = String(req.query.login ?? '').toLowerCase();
      const user = okta.state.findUser(login);
      res.json({
        transactions: user
          ? okta.state.transactions
              .filter((t) => t.userId === user.id)
              .map((t) => ({ id: t.id, result: t.result, correctAnswer: t.correctAnswer }))
          : [],
      });
    });
    router.get('/twilio/code', (req, res) => res.json({ code: twilio.lastCode(String(req.query.to ?? '')) ?? null }));
    router.use((error: Error, _req: Request, res: Response, _next: express.NextFunction) => {
      res.status(400).json({ error: error.message });
    });
    return router;
  }

  /**
   * Sign-in links reach requesters as Vouchsafe's short links (`<api>/v/<id>`, a 303 to the IdP). The phone asks each
   * one where it leads (without following it, which changes nothing at Vouchsafe) and remembers the answer, so that a
   * Duo Universal Prompt link, which leads to Duo's https host, can be opened at the stand-in instead.
   */
  const leadsTo = new Map<string, string>();
  async function idpUrlOf(url: string): Promise<string> {
    if (!/^\/v\/[A-Za-z0-9_-]+$/.test(new URL(url).pathname)) return url;
    const known = leadsTo.get(url);
    if (known !== undefined) return known;
    try {
      const answer = await fetch(url, { redirect: 'manual' });
      const location = answer.headers.get('location');
      if (answer.status !== 303 || location === null) return url;
      const target = new URL(location, url).toString();
      leadsTo.set(url, target);
      return target;
    } catch {
      return url;
    }
  }
  /** What the phone opens for a mailed link: Duo's prompt at the stand-in; anything else as mailed. */
  async function openableUrl(url: string): Promise<string> {
    const target = await idpUrlOf(url);
    return new URL(target).hostname === duo.apiHost ? duoPromptUrlAt(target, duoServer.url) : url;
  }

  function phoneRouter(links: () => PhoneLink[]): Router {
    const router = express.Router();
    router.get('/phone', (_req, res) => {
      res.set('Cache-Control', 'no-store');
      res.set(
        'Content-Security-Policy',
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
      );
      res.type('html').send(PHONE_HTML);
    });
    router.get('/phone/api/state', async (_req, res) => {
      // Duo Universal Prompt links point at Duo's https host: open them at the stand-in instead.
      const mailed = await Promise.all(
        links()
          .slice(-20)
          .reverse()
          .map(async (l) => ({ ...l, url: await openableUrl(l.url) })),
      );
      res.set('Cache-Control', 'no-store');
      res.json({
        okta: okta.state.pending(),
        duo: duo.pending().map((t) => ({
          txid: t.txid,
          user: t.username,
          code: t.verifiedPushCode,
          context: Object.values(t.pushinfo).join(' · '),
          createdAt: t.createdAt.toISOString(),
        })),
        codes: twilio.messages().slice(-20).reverse(),
        links: mailed,
      });
    });
    router.post('/phone/api/okta/:tx/:action', express.json({ limit: '4kb' }), (req, res) => {
      const action = req.params.action === 'approve' ? 'approve' : 'deny';
      try {
        const answer = typeof req.body?.answer === 'number' ? req.body.answer : undefined;
        res.json({ result: okta.state.answer(req.params.tx ?? '', action, answer) });
      } catch (error) {
        res.status(409).json({ error: (error as Error).message });
      }
    });
    router.post('/phone/api/duo/:tx/:action', (req, res) => {
      const ok = duo.decide(req.params.tx ?? '', req.params.action === 'approve' ? 'approve' : 'deny');
      res.status(ok ? 200 : 409).json({ ok });
    });
    return router;
  }

  return {
    urls,
    okta,
    duo,
    oidc,
    entra,
    graph,
    twilio,
    api: { imports: [DUO_INTERCEPT_MODULE], env: { [DUO_STANDIN_ENV]: duoServer.url } },
    allowCallbacks(apiUrls) {
      for (const base of apiUrls)
        for (const peer of [oidc, entra]) peer.allowRedirectUri(`${base.replace(/\/+$/, '')}/verify/callback/oidc`);
    },
    async configure({ apiUrl, apiToken, tenants, policies }) {
      const base = apiUrl.replace(/\/+$/, '');
      const oktaKey: IdpConfig = {
        kind: 'okta',
        orgUrl: okta.url,
        auth: {
          clientId: oktaServiceApp.clientId,
          privateKeyPem: oktaServiceApp.privateKeyPem,
          keyId: oktaServiceApp.keyId,
          scopes: ['okta.users.read', 'okta.users.manage'],
        },
      };
      for (const tenant of tenants) {
        const slug = encodeURIComponent(tenant.slug);
        for (const config of idpConfigsFor(tenant.desk, { okta, duo, oidc, entra, graph, twilio }, oktaKey)) {
          await put(`${base}/api/v1/admin/tenants/${slug}/idp/${config.kind}`, apiToken, config);
        }
        const policy = policies[tenant.desk];
        if (policy) await put(`${base}/api/v1/admin/tenants/${slug}/policy`, apiToken, policy);
      }
    },
    enroll,
    controlRouter,
    phoneRouter,
    async close() {
      await Promise.allSettled([
        okta.close(),
        oidc.close(),
        entra.close(),
        graph.close(),
        twilio.close(),
        new Promise<void>((resolve) => {
          duo.state.dispose();
          duoServer.server.closeAllConnections();
          duoServer.server.close(() => resolve());
        }),
      ]);
    },
  };
}

const PHONE_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Phone — Vouchsafe demo</title><link rel="stylesheet" href="/desk.css"></head>
<body class="home phone">
<header class="desk home"><strong>Simulated phone</strong> <span>what the customer's phone and mailbox would show</span></header>
<main>
<h1>Phone</h1>
<p>When an agent clicks <em>Verify caller</em>, the push, code or link arrives here. Approve or deny a push (for Okta
Verify, tap the number the agent reads to you), read a code back to the agent, or open a sign-in link.</p>
<section aria-labelledby="okta-h"><h2 id="okta-h">Okta Verify</h2><ul id="okta" class="phone-list" aria-label="Okta Verify pushes"></ul></section>
<section aria-labelledby="duo-h"><h2 id="duo-h">Duo Mobile</h2><ul id="duo" class="phone-list" aria-label="Duo pushes"></ul></section>
<section aria-labelledby="codes-h"><h2 id="codes-h">Messages (codes by SMS or voice)</h2><ul id="codes" class="phone-list" aria-label="Codes"></ul></section>
<section aria-labelledby="links-h"><h2 id="links-h">Mail (sign-in links)</h2><ul id="links" class="phone-list" aria-label="Sign-in links"></ul></section>
</main>
<script type="module" src="/phone.js"></script>
</body>
</html>`;
