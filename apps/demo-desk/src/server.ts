import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type Request, type Response } from 'express';
import type { TenantCreateRequest } from '@vouchsafe/contracts';
import { REPO_ROOT } from '@vouchsafe/test-support';
import {
  DESK_ACCOUNTS,
  createDeskStandIns,
  type Desk,
  type DeskKeySet,
  type DeskStandIns,
  type DeskTicket,
  type TokenOverrides,
  type WebhookTarget,
} from '@vouchsafe/test-support/desks';
import type { IdpStandIns, PhoneLink } from './idps';
import { registerTenants, type RegisteredTenant } from './register';

const PUBLIC_DIR = path.join(import.meta.dirname, '..', 'public');
/** The Zendesk app's manifest: the stand-in installs it, so ZAF metadata carries its name, version and settings. */
const ZENDESK_MANIFEST = path.join(REPO_ROOT, 'apps', 'zendesk', 'package', 'manifest.json');
/** The built Forge Custom UI (apps/jira's Vite output; Forge hosts it in production). */
export const JIRA_APP_DIR = path.join(REPO_ROOT, 'apps', 'jira', 'static', 'sidebar', 'build');
const JSON_LIMIT = '64kb';
/** Issue 12: the desks whose agent pages emit webhooks (comments by the customer, solve / close). */
const WEBHOOK_DESKS: readonly Desk[] = ['zendesk'];

export interface HostStandInsOptions {
  /** The Vouchsafe API the sidebars talk to, e.g. http://127.0.0.1:41234 */
  apiUrl: string;
  /** Admin API token, for `register()`. */
  apiToken: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Host name in the URLs handed out (default `host`); the demo uses `localhost`. */
  publicHost?: string;
  /** Private keys from an earlier run (`desks.keys.export()`), so registered tenants keep verifying. */
  keys?: DeskKeySet;
  /** Where the built Jira Custom UI lives (default apps/jira/static/sidebar/build). */
  jiraAppDir?: string;
  /**
   * Serve `/__control/*` (add tickets, read comments and the request log, inject outages, mint host tokens) so
   * Playwright workers can drive the stand-ins that live in the globalSetup process. Tests only, never the demo.
   */
  control?: boolean;
  /** The IdP stand-ins: serves the simulated phone at /phone (and, with `control`, /__control/idps). */
  idps?: IdpStandIns;
  /**
   * How the ServiceNow sidebar hands over a link. Default 'copy', as a real install does (the workspace-side
   * listener is UNCONFIRMED, packages/host/NOTES.md); 'postmessage' is the opt-in `reply=postmessage` an admin
   * can configure, which the e2e suite exercises.
   */
  serviceNowReply?: 'copy' | 'postmessage';
}

export interface HostStandIns {
  /** `http://<publicHost>:<port>`: the demo desk's home page, and the base of every stand-in. */
  readonly url: string;
  readonly port: number;
  /** The REST stand-ins (state, fault injection, token minting) behind the agent pages. */
  readonly desks: DeskStandIns;
  /** The three tenant bodies for the API (desk URLs pointing at this server). */
  tenants(): TenantCreateRequest[];
  /** POSTs `tenants()` to the API's admin endpoint. */
  register(onConflict?: 'keep' | 'replace'): Promise<RegisteredTenant[]>;
  /**
   * Issue 12: gives each registered desk tenant whose agent page emits webhooks (Zendesk) a fresh webhook signing
   * secret (`PUT /api/v1/admin/tenants/:slug/webhook-secret`) and from then on delivers that desk's signed webhooks
   * to the API's receiver. Before this (or for other desks) the pages change the ticket and send nothing.
   */
  connectWebhooks(tenants: readonly RegisteredTenant[]): Promise<void>;
  /** Agent page URLs, for tests and the index page. */
  pages: {
    zendesk(ticketId: string): string;
    servicenow(sysId: string): string;
    jira(issueKey: string): string;
  };
  close(): Promise<void>;
}

/** `?token=` on an agent page: mint a valid host token, or one the API must refuse. */
type TokenVariant = 'valid' | 'forged' | 'expired';

function variantOf(value: unknown): TokenVariant {
  return value === 'forged' || value === 'expired' ? value : 'valid';
}

/** Spoils a host token the way the rejection tests need: a stranger's signature, or minted an hour ago. */
function spoil(variant: TokenVariant): { overrides?: TokenOverrides; now?: number } {
  if (variant === 'forged') return { overrides: { signWith: 'stranger' } };
  if (variant === 'expired') return { now: Math.floor(Date.now() / 1000) - 3600 };
  return {};
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function pageCsp(apiOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    `frame-src 'self' ${apiOrigin}`,
    `form-action ${apiOrigin}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The Custom UI is a React + Garden bundle: styled-components adds <style> elements at run time. */
const JIRA_APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join('; ');

interface ZendeskManifest {
  name: string;
  version: string;
  parameters?: Array<{ name: string; secure?: boolean }>;
}

/**
 * What `client.metadata()` reports for the installation: the app's name and version and its settings, i.e. the
 * installation's values of the manifest's parameters plus `title`. Secure parameters never reach the browser
 * (Zendesk substitutes them only inside proxied requests), so they are left out. An unknown parameter here fails.
 */
async function zendeskAppMetadata(
  values: Record<string, string>,
): Promise<{ name: string; version: string; settings: Record<string, string> }> {
  const manifest = JSON.parse(await readFile(ZENDESK_MANIFEST, 'utf8')) as ZendeskManifest;
  const settings: Record<string, string> = { title: manifest.name };
  for (const parameter of manifest.parameters ?? []) {
    if (parameter.secure) continue;
    const value = values[parameter.name];
    if (value === undefined) throw new Error(`the Zendesk stand-in has no installation value for the manifest parameter ${parameter.name}`);
    settings[parameter.name] = value;
  }
  return { name: manifest.name, version: manifest.version, settings };
}

function noStore(res: Response): void {
  res.set('Cache-Control', 'no-store');
}

/**
 * The local help desks: REST stand-ins (from @vouchsafe/test-support/desks) plus an agent page per desk that
 * hosts the real, built sidebar and plays the desk's side of its protocol. One express server on loopback.
 * Test and demo tooling only: nothing in services/ imports it, and the API refuses its tenants in production.
 */
export async function startHostStandIns(opts: HostStandInsOptions): Promise<HostStandIns> {
  const apiUrl = opts.apiUrl.replace(/\/+$/, '');
  const apiOrigin = new URL(apiUrl).origin;
  const host = opts.host ?? '127.0.0.1';
  const jiraAppDir = opts.jiraAppDir ?? JIRA_APP_DIR;
  const desks = await createDeskStandIns(opts.keys ? { keys: opts.keys } : {});
  const { state } = desks;
  let baseUrl = '';
  /** Issue 12: the API receiver (and signing secret) per desk, once `connectWebhooks` set them. */
  const webhookTargets = new Map<Desk, WebhookTarget>();

  /** `?agent=1` on an agent page (and its API calls) plays the desk's second agent: a supervisor in the override tests. */
  const agentOf = (desk: 'zendesk' | 'servicenow' | 'jira', index: unknown = 0) => {
    const n = Number(index);
    const agent = state.data(desk).agents[Number.isInteger(n) && n > 0 ? n : 0];
    if (!agent) throw new Error(`the ${desk} stand-in has no agent`);
    return agent;
  };
  const personView = (desk: 'zendesk' | 'servicenow' | 'jira', id: string) => {
    const p = state.person(desk, id);
    return { id, name: p?.name ?? 'Unknown', email: p?.email ?? '' };
  };
  const commentsView = (ticket: DeskTicket) => ({
    comments: ticket.comments.map((c) => ({
      id: c.id,
      body: c.body,
      public: c.isPublic,
      createdAt: c.createdAt.toISOString(),
      author: state.person(ticket.desk, c.authorId)?.name ?? '',
    })),
  });

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Referrer-Policy', 'no-referrer');
    next();
  });

  // ---- the page everyone starts from -------------------------------------------------------------------
  app.get('/', (_req, res) => {
    noStore(res);
    res.set('Content-Security-Policy', pageCsp(apiOrigin));
    res.type('html').send(indexHtml());
  });
  // The installation's settings: the app is installed with this API as its Vouchsafe URL.
  const zendeskApp = await zendeskAppMetadata({ vouchsafe_url: apiUrl });
  app.get('/agent/config.json', (_req, res) => {
    noStore(res);
    res.json({
      apiUrl,
      serviceNowReply: opts.serviceNowReply ?? 'copy',
      zendesk: {
        subdomain: DESK_ACCOUNTS.zendesk.subdomain,
        appId: DESK_ACCOUNTS.zendesk.appId,
        installationId: DESK_ACCOUNTS.zendesk.installationId,
        app: zendeskApp,
      },
    });
  });

  // ---- Zendesk ----------------------------------------------------------------------------------------
  app.get('/zendesk/agent/tickets/:id', sendPage('zendesk.html'));
  app.get('/zendesk/agent/api/tickets/:id', (req, res) => {
    noStore(res);
    const ticket = state.ticket('zendesk', req.params.id);
    if (!ticket) return void res.status(404).json({ error: 'no such ticket' });
    const agent = agentOf('zendesk', req.query.agent);
    // The requesters the agent may switch to: the latest few, and the current one.
    const requesters = state.data('zendesk').requesters.slice(-12);
    if (!requesters.some((p) => p.id === ticket.requesterId)) requesters.push(state.person('zendesk', ticket.requesterId)!);
    res.json({
      id: ticket.id,
      subject: ticket.subject,
      requester: personView('zendesk', ticket.requesterId),
      agent: { id: agent.id, name: agent.name, email: agent.email ?? '' },
      requesters: requesters.map((p) => ({ id: p.id, name: p.name })),
      status: ticket.status ?? 'open',
    });
  });
  // The agent edits the ticket's requester (the page then fires ZAF's documented change events).
  app.post('/zendesk/agent/api/tickets/:id/requester', express.json({ limit: JSON_LIMIT }), (req, res) => {
    noStore(res);
    const ticket = state.ticket('zendesk', req.params.id);
    if (!ticket) return void res.status(404).json({ error: 'no such ticket' });
    const requester = state.data('zendesk').requesters.find((p) => p.id === String(req.body?.requesterId ?? ''));
    if (!requester) return void res.status(422).json({ error: 'no such requester' });
    ticket.requesterId = requester.id;
    res.json({ requesterId: requester.id });
  });
  // client.request() through Zendesk's proxy: this account's REST API (the stand-in), called with the account's
  // credentials (Zendesk would use the agent's own session; the stand-in API knows only the integration account).
  app.post('/zendesk/agent/proxy', express.json({ limit: JSON_LIMIT }), async (req: Request, res: Response) => {
    noStore(res);
    const { url, type, contentType, data } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof url !== 'string' || !/^\/api\/v2\/[\w./-]*(\?[^#]*)?$/.test(url) || url.includes('..')) {
      return void res.status(400).json({ error: 'url must be a path under /api/v2/' });
    }
    const method = typeof type === 'string' ? type.toUpperCase() : 'GET';
    const { email, apiToken } = DESK_ACCOUNTS.zendesk;
    const headers = new Headers({ authorization: `Basic ${Buffer.from(`${email}/token:${apiToken}`).toString('base64')}` });
    if (typeof contentType === 'string') headers.set('content-type', contentType);
    const body =
      method === 'GET' || method === 'HEAD' || data === undefined ? undefined : typeof data === 'string' ? data : JSON.stringify(data);
    const answer = await fetch(`${baseUrl}/zendesk${url}`, {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    res.json({
      status: answer.status,
      statusText: answer.statusText,
      responseText: await answer.text(),
      contentType: answer.headers.get('content-type') ?? '',
    });
  });
  // Issue 16: what Zendesk delivers to this agent's app instances after `POST /api/v2/apps/notify.json` (every agent
  // when the notification names none). The agent page polls this and fires `api_notification.<event>` into the app.
  app.get('/zendesk/agent/api/app-notifications', (req, res) => {
    noStore(res);
    const after = Number(req.query.after ?? 0) || 0;
    const agentId = agentOf('zendesk', req.query.agent).id;
    res.json(
      state.appNotifications
        .filter((n) => n.seq > after && (n.agentId === null || n.agentId === agentId))
        .map(({ seq, event, body }) => ({ seq, event, body })),
    );
  });
  // Issue 12: the agent submits the reply (after the app's ticket.save hook let it through): a public comment by them.
  app.post('/zendesk/agent/api/tickets/:id/comments', express.json({ limit: JSON_LIMIT }), (req, res) => {
    noStore(res);
    const ticket = state.ticket('zendesk', req.params.id);
    if (!ticket) return void res.status(404).json({ error: 'no such ticket' });
    const body: unknown = req.body?.body;
    if (typeof body !== 'string' || body.trim() === '') return void res.status(422).json({ error: 'Comment: cannot be blank' });
    const comment = state.addComment(ticket, body, true, agentOf('zendesk', req.query.agent).id);
    res.status(201).json({ id: comment.id });
  });
  // Issue 12: the customer writes on the ticket (the page's "Customer comment" box plays their email) and the agent
  // solves or closes it. Each is followed by the Zendesk webhook (comment_added, status_changed), signed as Zendesk
  // signs it, once `connectWebhooks` gave the tenant a secret. The answer says what the receiver answered (`webhook`:
  // its HTTP status, 0 when it could not be reached, null when webhooks are not connected).
  app.post('/zendesk/agent/api/tickets/:id/customer-comment', express.json({ limit: JSON_LIMIT }), async (req, res) => {
    noStore(res);
    const ticket = state.ticket('zendesk', req.params.id);
    if (!ticket) return void res.status(404).json({ error: 'no such ticket' });
    const body: unknown = req.body?.body;
    if (typeof body !== 'string' || body.trim() === '') return void res.status(422).json({ error: 'Comment: cannot be blank' });
    const target = webhookTargets.get('zendesk');
    if (!target) {
      const comment = state.addComment(ticket, body, true, ticket.requesterId);
      return void res.status(201).json({ id: comment.id, webhook: null });
    }
    const before = ticket.comments.length;
    const webhook = await deliver(
      async () => (await desks.webhooks.emitCommentWebhook('zendesk', target, { ticketId: ticket.id, body })).response,
    );
    res.status(201).json({ id: ticket.comments[before]?.id ?? null, webhook });
  });
  app.post('/zendesk/agent/api/tickets/:id/status', express.json({ limit: JSON_LIMIT }), async (req, res) => {
    noStore(res);
    const ticket = state.ticket('zendesk', req.params.id);
    if (!ticket) return void res.status(404).json({ error: 'no such ticket' });
    const status: unknown = req.body?.status;
    if (status !== 'solved' && status !== 'closed') return void res.status(422).json({ error: 'status must be solved or closed' });
    if (ticket.status === 'closed') return void res.status(422).json({ error: 'Status: closed prevents ticket update' });
    state.closeTicket('zendesk', ticket.id, status);
    const target = webhookTargets.get('zendesk');
    const webhook = target
      ? await deliver(
          async () =>
            (await desks.webhooks.emitLifecycleWebhook('zendesk', target, { ticketId: ticket.id, kind: 'closed', status })).response,
        )
      : null;
    res.json({ status, webhook });
  });
  app.get('/zendesk/agent/api/tickets/:id/comments', (req, res) => {
    noStore(res);
    const ticket = state.ticket('zendesk', req.params.id);
    if (!ticket) return void res.status(404).json({ error: 'no such ticket' });
    res.json(commentsView(ticket));
  });
  // What Zendesk does before loading a signedUrls app: sign a JWT for the agent with the app's key.
  app.post('/zendesk/agent/token', express.json({ limit: JSON_LIMIT }), async (req: Request, res: Response) => {
    noStore(res);
    const token = await desks.mint.zendesk({ agentId: agentOf('zendesk', req.body?.agent).id, ...spoil(variantOf(req.body?.variant)) });
    res.json({ token });
  });

  // ---- ServiceNow -------------------------------------------------------------------------------------
  app.get('/servicenow/agent/incident/:sysId', sendPage('servicenow.html'));
  app.get('/servicenow/agent/api/incident/:sysId', (req, res) => {
    noStore(res);
    const ticket = state.ticket('servicenow', `incident:${req.params.sysId}`);
    if (!ticket) return void res.status(404).json({ error: 'no such incident' });
    const agent = agentOf('servicenow');
    res.json({
      sysId: ticket.id,
      number: ticket.displayId,
      shortDescription: ticket.subject,
      caller: personView('servicenow', ticket.requesterId),
      agent: { id: agent.id, name: agent.name },
    });
  });
  app.get('/servicenow/agent/api/incident/:sysId/comments', (req, res) => {
    noStore(res);
    const ticket = state.ticket('servicenow', `incident:${req.params.sysId}`);
    if (!ticket) return void res.status(404).json({ error: 'no such incident' });
    res.json(commentsView(ticket));
  });
  // What the instance's scripted data resource does: sn_auth.GlideJWTAPI.generateJWT for the record in view.
  app.post('/servicenow/agent/token', express.json({ limit: JSON_LIMIT }), async (req: Request, res: Response) => {
    noStore(res);
    const sysId = String(req.body?.sysId ?? '');
    if (!state.ticket('servicenow', `incident:${sysId}`)) return void res.status(404).json({ error: 'no such incident' });
    const token = await desks.mint.servicenow({
      sysId,
      table: 'incident',
      agentSysId: agentOf('servicenow').id,
      ...spoil(variantOf(req.body?.variant)),
    });
    res.json({ token });
  });

  // ---- Jira Service Management --------------------------------------------------------------------------
  app.get('/jira/agent/browse/:key', sendPage('jira.html'));
  app.get('/jira/agent/api/issues/:key', (req, res) => {
    noStore(res);
    const ticket = state.ticket('jira', req.params.key);
    if (!ticket) return void res.status(404).json({ error: 'no such issue' });
    const agent = agentOf('jira');
    res.json({
      key: ticket.id,
      summary: ticket.subject,
      reporter: personView('jira', ticket.requesterId),
      agent: { id: agent.id, name: agent.name },
    });
  });
  app.get('/jira/agent/api/issues/:key/comments', (req, res) => {
    noStore(res);
    const ticket = state.ticket('jira', req.params.key);
    if (!ticket) return void res.status(404).json({ error: 'no such issue' });
    res.json(commentsView(ticket));
  });
  // view.getContext() for a jira:issueContext module (research §2.4).
  app.get('/jira/agent/api/forge-context', (req, res) => {
    noStore(res);
    const ticket = state.ticket('jira', String(req.query.issueKey ?? ''));
    if (!ticket) return void res.status(404).json({ error: 'no such issue' });
    const jira = DESK_ACCOUNTS.jira;
    const appUuid = jira.appId.slice(jira.appId.lastIndexOf('/') + 1);
    const envUuid = jira.environmentId.slice(jira.environmentId.lastIndexOf('/') + 1);
    const siteUrl = `${baseUrl}/jira`;
    res.json({
      accountId: agentOf('jira').id,
      cloudId: jira.cloudId,
      localId: `ari:cloud:ecosystem::extension/${appUuid}/${envUuid}/static/${jira.moduleKey}`,
      moduleKey: jira.moduleKey,
      siteUrl,
      locale: 'en-US',
      timezone: 'UTC',
      environmentId: jira.environmentId,
      environmentType: 'DEVELOPMENT',
      extension: {
        type: 'jira:issueContext',
        issue: { key: ticket.id, id: ticket.issueId, type: 'Service Request', typeId: '10002' },
        project: { id: jira.projectId, key: jira.projectKey, type: 'service_desk' },
        location: `${siteUrl}/browse/${ticket.id}`,
      },
    });
  });
  // Forge Remote: the call leaves "Forge" with a Forge Invocation Token for the invoking user and issue.
  app.post('/jira/forge-remote', express.json({ limit: '8mb' }), async (req: Request, res: Response) => {
    noStore(res);
    const { issueKey, path: target, method, headers, body } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof target !== 'string' || !target.startsWith('/api/')) {
      return void res.status(400).json({ error: 'path must be an API path starting with /api/' });
    }
    const key = typeof issueKey === 'string' ? issueKey : '';
    if (!state.ticket('jira', key)) return void res.status(404).json({ error: 'no such issue' });
    const fit = await desks.mint.forge({ accountId: agentOf('jira').id, issueKey: key, ...spoil(variantOf(req.body?.variant)) });
    const forwarded = new Headers();
    for (const pair of Array.isArray(headers) ? headers : []) {
      if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') continue;
      const name = pair[0].toLowerCase();
      // Forge passes the app's own headers through; it owns Authorization (the FIT).
      if (name === 'content-type' || name === 'accept' || name.startsWith('x-vouchsafe-')) forwarded.set(name, pair[1]);
    }
    forwarded.set('authorization', `Bearer ${fit}`);
    const verb = typeof method === 'string' ? method.toUpperCase() : 'GET';
    try {
      const answer = await fetch(`${apiUrl}${target}`, {
        method: verb,
        headers: forwarded,
        body: verb === 'GET' || verb === 'HEAD' || typeof body !== 'string' ? undefined : body,
        redirect: 'manual',
        signal: AbortSignal.timeout(25_000), // Forge's limit for UI invocations
      });
      const text = await answer.text();
      res.json({
        status: answer.status,
        statusText: answer.statusText,
        headers: Object.fromEntries(answer.headers.entries()),
        body: text,
      });
    } catch (error) {
      res.status(502).json({ error: `the remote did not answer: ${(error as Error).message}` });
    }
  });
  // The Custom UI, with the bridge stand-in loaded before the app's own scripts.
  app.get(['/jira/app', '/jira/app/', '/jira/app/index.html'], async (req, res) => {
    if (!req.path.endsWith('/') && !req.path.endsWith('.html')) {
      return void res.redirect(302, `/jira/app/${req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''}`);
    }
    const index = path.join(jiraAppDir, 'index.html');
    if (!existsSync(index)) {
      return void res
        .status(503)
        .type('text')
        .send(`The Jira app is not built (${index} is missing): run pnpm --filter @vouchsafe/jira build`);
    }
    const html = await readFile(index, 'utf8');
    const tag = '<script src="/jira/bridge-standin.js"></script>';
    const withBridge = /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => `${head}\n${tag}`) : `${tag}\n${html}`;
    noStore(res);
    res.set('Content-Security-Policy', JIRA_APP_CSP);
    res.type('html').send(withBridge);
  });
  app.get('/jira/bridge-standin.js', (_req, res) => res.sendFile(path.join(PUBLIC_DIR, 'bridge-standin.js')));
  app.use('/jira/app', express.static(jiraAppDir, { index: false, fallthrough: false }));

  if (opts.control) app.use('/__control', controlRouter());
  if (opts.control && opts.idps) app.use('/__control/idps', opts.idps.controlRouter());
  if (opts.idps) app.use(opts.idps.phoneRouter(sentLinks));

  // Static browser code for the agent pages (no build step).
  app.use(express.static(PUBLIC_DIR, { index: false }));

  // The desks' REST APIs (what the API's connectors call) and the Forge JWKS.
  app.use(desks.router);

  /** Sends one webhook delivery; answers the receiver's status, 0 when it could not be reached (never the body). */
  async function deliver(send: () => Promise<globalThis.Response>): Promise<number> {
    try {
      const answer = await send();
      await answer.body?.cancel();
      return answer.status;
    } catch {
      return 0;
    }
  }

  async function connectWebhooks(tenants: readonly RegisteredTenant[]): Promise<void> {
    for (const tenant of tenants) {
      if (!WEBHOOK_DESKS.includes(tenant.desk)) continue;
      const slug = encodeURIComponent(tenant.slug);
      // A fresh secret on every start, held only in this process: like Zendesk, which shows a webhook's signing secret to
      // the admin who pastes it into Vouchsafe.
      const secret = randomBytes(32).toString('base64url');
      const res = await fetch(`${apiUrl}/api/v1/admin/tenants/${slug}/webhook-secret`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${opts.apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ secret }),
      });
      await res.body?.cancel();
      if (res.status !== 204) throw new Error(`setting the ${tenant.desk} tenant's webhook secret answered ${res.status}`);
      webhookTargets.set(tenant.desk, { url: `${apiUrl}/api/v1/desk-events/${tenant.desk}/${slug}`, secret });
    }
  }

  function controlRouter(): express.Router {
    const control = express.Router();
    control.use(express.json({ limit: JSON_LIMIT }));
    const deskOf = (value: unknown): Desk => {
      if (value === 'zendesk' || value === 'servicenow' || value === 'jira') return value;
      throw Object.assign(new Error(`not a desk: ${String(value)}`), { status: 400 });
    };
    const pageOf = (t: DeskTicket): string =>
      t.desk === 'zendesk' ? pages.zendesk(t.id) : t.desk === 'servicenow' ? pages.servicenow(t.id) : pages.jira(t.id);
    control.post('/tickets', (req, res) => {
      const desk = deskOf(req.body?.desk);
      const ticket = state.addTicket(desk, {
        ...(typeof req.body?.subject === 'string' ? { subject: req.body.subject } : {}),
        ...(req.body?.requester && typeof req.body.requester === 'object' ? { requester: req.body.requester } : {}),
      });
      const requester = state.person(desk, ticket.requesterId);
      res.status(201).json({ ...ticket, comments: undefined, page: pageOf(ticket), requester, agent: agentOf(desk) });
    });
    control.get('/tickets/:desk/:id/comments', (req, res) => {
      const ticket = state.ticket(deskOf(req.params.desk), req.params.id);
      if (!ticket) return void res.status(404).json({ error: 'no such ticket' });
      res.json(commentsView(ticket));
    });
    // Issue 12 (ticket lifecycle): an agent solves / closes, deletes or merges a ticket at the desk.
    control.post('/tickets/:desk/:id/close', (req, res) => {
      const desk = deskOf(req.params.desk);
      if (!state.ticket(desk, req.params.id)) return void res.status(404).json({ error: 'no such ticket' });
      state.closeTicket(desk, req.params.id, req.body?.status === 'closed' ? 'closed' : 'solved');
      res.status(204).end();
    });
    control.post('/tickets/:desk/:id/delete', (req, res) => {
      res.status(state.deleteTicket(deskOf(req.params.desk), req.params.id) ? 204 : 404).end();
    });
    control.post('/tickets/:desk/:id/merge', (req, res) => {
      const desk = deskOf(req.params.desk);
      if (!state.ticket(desk, req.params.id) || !state.ticket(desk, String(req.body?.into ?? '')))
        return void res.status(404).json({ error: 'no such ticket' });
      state.mergeTicket(desk, req.params.id, String(req.body.into));
      res.status(204).end();
    });
    control.get('/requests', (req, res) => {
      const desk = req.query.desk === undefined ? undefined : deskOf(req.query.desk);
      res.json({ requests: state.requests(desk) });
    });
    control.post('/outage', (req, res) => {
      desks.outage(deskOf(req.body?.desk), Number(req.body?.ms), req.body?.mode === 'destroy' ? { mode: 'destroy' } : {});
      res.status(204).end();
    });
    control.post('/drop', (req, res) => {
      desks.dropResponses(deskOf(req.body?.desk), Number(req.body?.n), req.body?.mode === 'destroy' ? { mode: 'destroy' } : {});
      res.status(204).end();
    });
    // Host tokens for API-level tests (a session for another ticket, an expired or forged token).
    control.post('/mint', async (req, res) => {
      const desk = deskOf(req.body?.desk);
      const spoilt = spoil(variantOf(req.body?.variant));
      const ticket = state.ticket(desk, String(req.body?.ticket ?? ''));
      let token: string;
      if (desk === 'zendesk') token = await desks.mint.zendesk({ agentId: agentOf(desk).id, ...spoilt });
      else if (desk === 'servicenow') {
        if (!ticket) return void res.status(404).json({ error: 'no such ticket' });
        token = await desks.mint.servicenow({ sysId: ticket.id, table: ticket.table, agentSysId: agentOf(desk).id, ...spoilt });
      } else {
        if (!ticket) return void res.status(404).json({ error: 'no such ticket' });
        token = await desks.mint.forge({ accountId: agentOf(desk).id, issueKey: ticket.id, ...spoilt });
      }
      res.json({ token });
    });
    control.use((error: Error & { status?: number }, _req: Request, res: Response, _next: express.NextFunction) => {
      res.status(error.status ?? 500).json({ error: error.message });
    });
    return control;
  }

  /** Verification links the desks sent to requesters as public replies: the requester's mailbox on the phone page. */
  function sentLinks(): PhoneLink[] {
    const found: PhoneLink[] = [];
    for (const desk of ['zendesk', 'servicenow', 'jira'] as const) {
      for (const ticket of state.data(desk).tickets) {
        const to = state.person(desk, ticket.requesterId)?.email ?? 'the requester';
        for (const c of ticket.comments) {
          const url = c.isPublic ? /https?:\/\/\S+/.exec(c.body)?.[0] : undefined;
          if (url) found.push({ to, ticket: ticket.displayId, url, sentAt: c.createdAt.toISOString() });
        }
      }
    }
    return found.sort((a, b) => a.sentAt.localeCompare(b.sentAt));
  }

  function sendPage(file: string) {
    return (_req: Request, res: Response) => {
      noStore(res);
      res.set('Content-Security-Policy', pageCsp(apiOrigin));
      res.sendFile(path.join(PUBLIC_DIR, file));
    };
  }

  function indexHtml(): string {
    const list = (items: string[]) => `<ul class="tickets">${items.join('')}</ul>`;
    const item = (href: string, label: string, who: string) =>
      `<li><a href="${escapeHtml(href)}">${escapeHtml(label)}</a> <span class="empty">— from ${escapeHtml(who)}</span></li>`;
    const who = (desk: 'zendesk' | 'servicenow' | 'jira', t: DeskTicket) => state.person(desk, t.requesterId)?.name ?? 'Unknown';
    const zendesk = state.data('zendesk').tickets.map((t) => item(pages.zendesk(t.id), `${t.displayId} ${t.subject}`, who('zendesk', t)));
    const servicenow = state
      .data('servicenow')
      .tickets.filter((t) => t.table === 'incident')
      .map((t) => item(pages.servicenow(t.id), `${t.displayId} ${t.subject}`, who('servicenow', t)));
    const jira = state.data('jira').tickets.map((t) => item(pages.jira(t.id), `${t.displayId} ${t.subject}`, who('jira', t)));
    return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Vouchsafe demo desk</title><link rel="stylesheet" href="/desk.css"></head>
<body class="home">
<header class="desk home"><strong>Vouchsafe demo desk</strong> <span>local help-desk stand-ins</span></header>
<main>
<h1>Pick a ticket</h1>
<p>Each page below plays a help desk and shows the real Vouchsafe sidebar next to the ticket. Send a secret from the
sidebar: the link lands in the reply (Zendesk, ServiceNow) or can be copied (Jira). Open it in a private window to
reveal it as the customer would, then watch the internal notes appear on the ticket.</p>
<p>Vouchsafe API: <a href="${escapeHtml(apiUrl)}/">${escapeHtml(apiUrl)}</a></p>
${
  opts.idps
    ? `<p><strong>Verify caller:</strong> every ticket's sidebar offers Okta Verify, Duo, OIDC sign-in links and callback
codes against local IdP stand-ins. Keep the <a href="/phone">simulated phone</a> open in another window: pushes, codes
and sign-in links for the ticket's requester arrive there, and you approve or deny them as the caller would.</p>`
    : ''
}
<h2>Zendesk Support</h2>${list(zendesk)}
<h2>ServiceNow (Service Operations Workspace)</h2>${list(servicenow)}
<h2>Jira Service Management</h2>${list(jira)}
</main>
</body>
</html>`;
  }

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, host, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${opts.publicHost ?? host}:${port}`;
  desks.setBaseUrl(baseUrl);

  const pages = {
    zendesk: (id: string) => `${baseUrl}/zendesk/agent/tickets/${encodeURIComponent(id)}`,
    servicenow: (sysId: string) => `${baseUrl}/servicenow/agent/incident/${encodeURIComponent(sysId)}`,
    jira: (key: string) => `${baseUrl}/jira/agent/browse/${encodeURIComponent(key)}`,
  };

  return {
    url: baseUrl,
    port,
    desks,
    tenants: () => Object.values(desks.tenants(baseUrl)),
    register: (onConflict = 'replace') =>
      registerTenants({ apiUrl, apiToken: opts.apiToken, tenants: Object.values(desks.tenants(baseUrl)), onConflict }),
    connectWebhooks,
    pages,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
