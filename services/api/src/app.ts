import { existsSync } from 'node:fs';
import { favicon } from './http/favicon';
import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { sql } from 'kysely';
import {
  ADMIN_CHANGE_PATHS,
  ADMIN_CONSOLE_PATH,
  API_PATHS,
  API_PREFIX,
  AUDIT_API_MOUNT,
  CHAT_PATHS,
  DEFAULT_TENANT_ID,
  REVIEW_CONSOLE_PATH,
} from '@vouchsafe/contracts';
import { isMigrated } from './db/database';
import { AppError } from './errors';
import { wellFormedUrl } from './http/input';
import { errorHandler, noStore, requestContext } from './http/middleware';
import { secretsRoutes } from './modules/secrets/secrets.routes';
import { httpMetrics } from './metrics';
import { sidebarCors } from './http/cors';
import { requireSession, sessionRoutes } from './modules/sessions/sessions.routes';
import { sidebarPagesRoutes } from './modules/sidebar-pages/sidebar-pages.routes';
import { tenantAdminRoutes, tenantFromPath } from './modules/tenants/tenants.routes';
import { idpAdminRoutes } from './modules/idps/idps.routes';
import { apiTokenAdminRoutes } from './modules/api-tokens/api-tokens.routes';
import { policyAdminRoutes } from './modules/policy/policy.routes';
import { changeRoutes } from './modules/changes/changes.routes';
import { reviewRoutes } from './modules/review/review.routes';
import { sidebarRoutes } from './modules/sidebar/sidebar.routes';
import { publicDocumentRoutes, sidebarDocumentRoutes } from './modules/documents/documents.routes';
import { draftFindingsRoutes } from './modules/draft-findings/draft-findings.routes';
import { verificationCallbackRoutes } from './modules/verification/verification-callback.routes';
import { verificationRoutes } from './modules/verification/verification.routes';
import { callbackLimit, publicLimit } from './modules/rate-limits/rate-limits';
import type { Graph } from './compose';
import { auditExportRoutes } from './modules/audit/export.routes';
import { operatorConsole } from './modules/operators/operator-console';
import { openApiRoute } from './openapi/openapi.routes';
import { PAGE_STYLESHEET_PATH, sendPageStylesheet } from './http/page';
import { shortLinkRoutes } from './modules/verification/short-link.routes';
import { DESK_EVENTS_MOUNT, deskEventRoutes } from './modules/desk-events/desk-events.routes';
import { webhookSecretAdminRoutes } from './modules/desk-events/webhook-secrets.routes';
import { brandingAdminRoutes, brandingPublicRoutes, linkCheckLimit } from './modules/branding/branding.routes';

function trustProxyValue(v: string): boolean | number | string {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

/**
 * The HTTP app: secures (helmet CSP, request context, metrics, well-formed URLs) and mounts the routers over the
 * services the composition root built (compose.ts). No service is constructed here.
 */
export function createApp(graph: Graph): Express {
  const { config, db, logger, metrics, bearerAuth, limits, tenants, deskOrigins, verification, recipients, sessions } = graph;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxyValue(config.trustProxy));
  app.set('etag', false);

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // styled-components (Zendesk Garden) injects <style> elements at run time.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use(requestContext(logger, DEFAULT_TENANT_ID));
  app.use(httpMetrics(metrics));
  // Before every route: no NUL or unpaired surrogate in the path or query (bodies: http/input.ts#jsonBody).
  app.use(wellFormedUrl);

  app.get('/healthz', noStore, (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness has its own deadline: a load balancer must hear 503 at once from a process whose database hangs,
  // not wait for the statement and connection timeouts (the checks go on in the background until those end them).
  const readyTimeoutMs = config.readyTimeoutMs ?? 2_000;
  app.get('/readyz', noStore, async (_req, res) => {
    const check = (async () => {
      await sql`SELECT 1`.execute(db);
      return (await isMigrated(db)) ? 'ready' : 'migrating';
    })();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), readyTimeoutMs)));
    const status = await Promise.race([check, deadline]).catch(() => 'database unreachable' as const);
    clearTimeout(timer);
    check.catch(() => undefined); // ended by the database's own timeouts when the deadline won
    if (status === 'ready') res.json({ status });
    else res.status(503).json({ status: status === 'timeout' ? 'database not answering' : status });
  });

  // One router at both prefixes; the per-network limit lives in Postgres, shared by both and by every process.
  const publicSecrets = secretsRoutes(
    graph.secrets,
    {
      maxFileBytes: config.maxFileBytes,
      canCreate: bearerAuth('secrets'),
      publicLimit: limits.middleware(publicLimit(config.rateLimitPerMinute)),
    },
    recipients.service,
  );
  // Issue 14: the bank's branding, who sent a link and its phrase, and the check page's question (modules/branding).
  const brandingPublic = brandingPublicRoutes(graph.branding, {
    publicLimit: limits.middleware(publicLimit(config.rateLimitPerMinute)),
    checkLimit: limits.middleware(linkCheckLimit()),
    publicUrl: config.publicUrl,
  });
  app.use(API_PATHS.tenantMount, tenantFromPath(tenants), publicSecrets, brandingPublic);
  app.use(API_PREFIX, publicSecrets, brandingPublic);
  // Issue 11: the customer's upload routes of document requests (the request id is the capability), same prefixes.
  const publicDocuments = publicDocumentRoutes(graph.documents, { publicLimit: limits.middleware(publicLimit(config.rateLimitPerMinute)) });
  app.use(API_PATHS.tenantMount, tenantFromPath(tenants), publicDocuments);
  app.use(API_PREFIX, publicDocuments);
  // Everything under /api/v1/admin (tenants, IdP connections, policy, tokens) needs the `admin` scope or an operator
  // with the admin role (S13; issue 10, adminAccess in modules/operators; the actor comes from adminActor).
  // The change queue (maker-checker) also admits operators with the policy_approver role: they decide, never make.
  app.use(ADMIN_CHANGE_PATHS.changes, noStore, graph.operators.adminAccess(['admin', 'policy_approver']), changeRoutes(graph.changes));
  app.use(API_PATHS.admin, noStore, graph.operators.adminAccess());
  app.use(API_PATHS.adminTenants, tenantAdminRoutes(tenants));
  app.use(`${API_PATHS.adminTenants}/:slug/idp`, idpAdminRoutes(graph.idps, graph.changes));
  app.use(`${API_PATHS.adminTenants}/:slug/policy`, policyAdminRoutes(graph.policy, graph.changes));
  app.use(`${API_PATHS.adminTenants}/:slug/branding`, brandingAdminRoutes(graph.branding));
  app.use(API_PATHS.adminApiTokens, apiTokenAdminRoutes(graph.apiTokens));
  // Issue 12: the tenant's desk webhook secret (admin), and the desks' signed webhooks (no token: the signature).
  app.use(`${API_PATHS.adminTenants}/:slug/webhook-secret`, webhookSecretAdminRoutes(graph.deskEvents.secrets));
  app.use(DESK_EVENTS_MOUNT, deskEventRoutes(graph.deskEvents.receiverDeps));
  // Issue 9: everything under /api/v1/audit (reviewer queries, receipts, export) takes an API token with the `auditor`
  // scope (S13) or an operator signed in with the auditor role (`auditorAccess`; the actor comes from reviewActor).
  app.use(AUDIT_API_MOUNT, noStore, graph.operators.auditorAccess);
  app.use(AUDIT_API_MOUNT, reviewRoutes(graph.review));
  app.use(AUDIT_API_MOUNT, auditExportRoutes({ db, tenants }));
  app.use(
    [API_PATHS.sessions, API_PATHS.sidebar],
    sidebarCors(config.corsOrigins, () => deskOrigins.of('jira')),
  );
  app.use(API_PATHS.sessions, sessionRoutes({ sessions, metrics }));
  app.use(
    API_PATHS.sidebar,
    requireSession({ sessions, metrics }),
    sidebarRoutes({
      db,
      ticketSecrets: graph.ticketSecrets,
      publicUrl: config.publicUrl,
      maxFileBytes: config.maxFileBytes,
      branding: graph.branding,
    }),
    sidebarDocumentRoutes({ db, documents: graph.documents, publicUrl: config.publicUrl }),
    verificationRoutes({
      service: graph.verificationService,
      events: graph.verificationEvents,
      publicUrl: config.publicUrl,
    }),
    // Issue 12: a reply sent after the save hook's warning (kinds, counts, reason; never the text).
    draftFindingsRoutes({ db, onNoteQueued: graph.notes.nudge }),
  );
  // Issue 16 item 5: the one stylesheet of the server-rendered pages (http/page.ts), from our own origin.
  app.get(PAGE_STYLESHEET_PATH, (_req, res) => sendPageStylesheet(res));
  app.use(
    verificationCallbackRoutes({
      verification: verification.deps,
      limit: limits.middleware(callbackLimit(config.rateLimitPerMinute)),
      onRecipientVerified: recipients.service.onVerified,
    }),
  );
  app.use(shortLinkRoutes({ db, limit: limits.middleware(callbackLimit(config.rateLimitPerMinute)) }));
  // Operator sign-in (modules/operators): /auth/operator/*, /api/v1/operator/me.
  app.use(graph.operators.routes);
  // Issue 13: the Slack app (modules/chat/slack): Slack's signed requests, the admin's install start, the OAuth return.
  if (graph.slack) {
    app.use(CHAT_PATHS.slackEvents, noStore, graph.slack.events);
    app.use(CHAT_PATHS.slackInstalls, graph.slack.installRoutes);
    app.use(CHAT_PATHS.slackOAuthCallback, graph.slack.oauthCallback);
  }
  app.get(API_PATHS.openapi, openApiRoute());
  app.use('/api', (_req, _res, next) => next(new AppError('not_found', 'There is no such API endpoint.')));

  app.get(API_PATHS.metrics, noStore, bearerAuth('metrics'), async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.use('/apps', sidebarPagesRoutes({ ...config, deskOrigins }));
  app.use(REVIEW_CONSOLE_PATH, operatorConsole(path.join(config.appsDir, 'review', 'dist'), REVIEW_CONSOLE_PATH, '@vouchsafe/review'));
  // Issue 10: the admin console (apps/admin); its API is /api/v1/admin (an admin token, or an operator session).
  app.use(ADMIN_CONSOLE_PATH, operatorConsole(path.join(config.appsDir, 'admin', 'dist'), ADMIN_CONSOLE_PATH, '@vouchsafe/admin'));

  if (config.portalDir && existsSync(path.join(config.portalDir, 'index.html'))) {
    const portalDir = config.portalDir;
    const index = path.join(portalDir, 'index.html');
    app.use('/assets', express.static(path.join(portalDir, 'assets'), { immutable: true, maxAge: '365d', index: false }));
    // Opening a link only ever serves this static page: GET and HEAD never consume (S2).
    // `/t/:tenant/s/:id`: a help-desk tenant's link; the portal derives its API prefix from this path.
    // Issue 11: `/d/:id` and `/t/:tenant/d/:id` are a document request's upload page (the same static portal, same CSP).
    // `/check`, `/t/:tenant/check`: the page a bank publishes for customers to check a link (issue 14).
    app.get(['/', '/s/:id', '/t/:tenant/s/:id', '/d/:id', '/t/:tenant/d/:id', '/check', '/t/:tenant/check'], noStore, (_req, res) =>
      res.sendFile(index),
    );
    app.use(express.static(portalDir, { index: false }));
  }

  app.get('/favicon.ico', favicon);
  app.use((_req, _res, next) => next(new AppError('not_found', 'There is nothing at this address.')));
  app.use(errorHandler);
  return app;
}
