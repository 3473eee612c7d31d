import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { sql } from 'kysely';
import { DEFAULT_TENANT_ID } from '@vouchsafe/migrations';
import type { Config } from './config';
import { isMigrated, type Db } from './db/database';
import { AppError } from './errors';
import { wellFormedUrl } from './http/input';
import { errorHandler, noStore, requestContext } from './http/middleware';
import type { Logger } from './logger';
import type { Keyring } from './modules/keys/keyring';
import { secretsRoutes } from './modules/secrets/secrets.routes';
import { createSecretsService } from './modules/secrets/secrets.service';
import { createMetrics, httpMetrics, type Metrics } from './metrics';
import { createConnector } from './helpdesks';
import { createOutbound, outboundPolicy, type Outbound } from './lib/outbound';
import { sidebarCors } from './http/cors';
import { requireSession, sessionRoutes } from './modules/sessions/sessions.routes';
import { createSessionsService } from './modules/sessions/sessions.service';
import { createSessionTokens } from './modules/sessions/session-token';
import { sidebarPagesRoutes } from './modules/sidebar-pages/sidebar-pages.routes';
import { tenantAdminRoutes, tenantFromPath } from './modules/tenants/tenants.routes';
import { createTenantsService } from './modules/tenants/tenants.service';
import { createDeskOrigins } from './modules/tenants/desk-origins';
import { idpAdminRoutes } from './modules/idps/idps.routes';
import { createIdpsService } from './modules/idps/idps.service';
import { policyAdminRoutes } from './modules/policy/policy.routes';
import { createPolicyService } from './modules/policy/policy.service';
import type { NoteDispatcher } from './modules/notes/note-delivery';
import { setupNotes } from './modules/notes/notes.setup';
import { createTicketSecretsService } from './modules/secrets/ticket-secrets.service';
import { setupRecipients } from './modules/secrets/recipients.setup';
import { sidebarRoutes } from './modules/sidebar/sidebar.routes';
import type { LiveHub } from './modules/verification/live';
import { startRecipientVerification } from './modules/verification/start-verification';
import { verificationCallbackRoutes } from './modules/verification/verification-callback.routes';
import { createVerificationEvents } from './modules/verification/verification-events';
import { verificationRoutes } from './modules/verification/verification.routes';
import { createVerificationService } from './modules/verification/verification.service';
import { setupVerification, type VerificationRuntime } from './modules/verification/verification.setup';
import { createBearerAuth } from './modules/api-tokens/bearer-auth';
import { callbackLimit, createRateLimits, publicLimit } from './modules/rate-limits/rate-limits';

export interface AppDeps {
  config: Pick<
    Config,
    | 'apiTokens'
    | 'maxFileBytes'
    | 'rateLimitPerMinute'
    | 'trustProxy'
    | 'portalDir'
    | 'allowInsecureHelpdesks'
    | 'appsDir'
    | 'zafSdkUrl'
    | 'frameAncestors'
    | 'corsOrigins'
    | 'sessionTtlSeconds'
    | 'sessionChainMaxSeconds'
    | 'forgeJwksUrl'
    | 'helpdeskTimeoutMs'
    | 'publicUrl'
    | 'noteMaxAttempts'
    | 'noteBackoffMs'
    | 'outboundAllow'
  > &
    Partial<Pick<Config, 'readyTimeoutMs'>>;
  db: Db;
  keyring: Keyring;
  logger: Logger;
  /** Shared with the background jobs when the server starts both; created here otherwise. */
  metrics?: Metrics;
  /** Internal-note delivery, shared with the jobs loop when the server starts both; created here otherwise. */
  notes?: NoteDispatcher;
  /** Verification deps + push poller, shared with the jobs loop when the server starts both; created here otherwise. */
  verification?: VerificationRuntime;
  /** This process's LISTEN connection for live verification status; without it the SSE endpoint answers 503. */
  live?: LiveHub;
  /** The outbound-connection guard (S12), shared with the jobs when the server starts both; created here otherwise. */
  outbound?: Outbound;
}

function trustProxyValue(v: string): boolean | number | string {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

export function createApp(deps: AppDeps): Express {
  const { config, db, logger } = deps;
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
  const metrics = deps.metrics ?? createMetrics(db);
  app.use(httpMetrics(metrics));
  // Before every route: no NUL or unpaired surrogate in the path or query (bodies: http/input.ts#jsonBody).
  app.use(wellFormedUrl);
  const outbound = deps.outbound ?? createOutbound(outboundPolicy(config));
  const notes = deps.notes ?? setupNotes({ db, keyring: deps.keyring, logger, metrics, config, outbound });
  // Issue 8: scoped API tokens, failed-auth throttling and rate limits shared by every process (through Postgres).
  const limits = createRateLimits(db);
  const bearerAuth = createBearerAuth({ tokens: config.apiTokens, limits, metrics });

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

  // The registered accounts' browser origins: frame-ancestors of each desk's sidebar page, CORS for Jira sites.
  const deskOrigins = createDeskOrigins({ db, logger });
  const tenants = createTenantsService({
    db,
    keyring: deps.keyring,
    outbound,
    onChanged: deskOrigins.invalidate,
  });
  const verification =
    deps.verification ?? setupVerification({ db, keyring: deps.keyring, logger, metrics, config, outbound, onNoteQueued: notes.nudge, tenants });
  // Verified-requester-only secrets (modules/secrets/NOTES.md); the recipient's verification runs in modules/verification.
  const recipients = setupRecipients({
    db,
    requesterKeys: verification.deps.requesterKeys,
    tenants,
    helpdeskTimeoutMs: config.helpdeskTimeoutMs,
    outbound,
    startRecipient: (start) => {
      // `origin` (the request's own origin) once modules/secrets passes it; VOUCHSAFE_PUBLIC_URL wins.
      const origin = config.publicUrl ?? ('origin' in start && typeof start.origin === 'string' ? start.origin : undefined);
      if (!origin) return Promise.reject(new AppError('not_ready', 'Recipient verification needs VOUCHSAFE_PUBLIC_URL on this server.'));
      return startRecipientVerification(verification.deps, { ...start, callbackBase: `${origin}/verify/callback` });
    },
  });
  const secretsDeps = { db, keyring: deps.keyring, maxFileBytes: config.maxFileBytes, metrics, onNoteQueued: notes.nudge };
  const secrets = createSecretsService({ ...secretsDeps, recipientMethods: recipients.service.methodsFor });
  const ticketSecrets = createTicketSecretsService({ ...secretsDeps, recipients: recipients.lookups });
  const sessions = createSessionsService({
    tenants,
    connectorFor: (tenant) => createConnector(tenant, { timeoutMs: config.helpdeskTimeoutMs, outbound }),
    tokens: createSessionTokens(deps.keyring, { ttlSeconds: config.sessionTtlSeconds }),
    chainMaxSeconds: config.sessionChainMaxSeconds,
    forgeJwksUrl: config.forgeJwksUrl,
    fetch: outbound.fetch,
  });
  // One router at both prefixes; the per-network limit lives in Postgres, shared by both and by every process.
  const publicSecrets = secretsRoutes(
    secrets,
    { maxFileBytes: config.maxFileBytes, canCreate: bearerAuth('secrets'), publicLimit: limits.middleware(publicLimit(config.rateLimitPerMinute)) },
    recipients.service,
  );
  app.use('/api/v1/t/:tenant', tenantFromPath(tenants), publicSecrets);
  app.use('/api/v1', publicSecrets);
  // Everything under /api/v1/admin (tenants, IdP connections, policy) needs the `admin` scope (S13).
  app.use('/api/v1/admin', noStore, bearerAuth('admin'));
  app.use('/api/v1/admin/tenants', tenantAdminRoutes(tenants));
  const idps = createIdpsService({ db, keyring: deps.keyring, outbound });
  app.use('/api/v1/admin/tenants/:slug/idp', idpAdminRoutes(idps));
  app.use('/api/v1/admin/tenants/:slug/policy', policyAdminRoutes(createPolicyService({ db })));
  app.use(['/api/v1/sessions', '/api/v1/sidebar'], sidebarCors(config.corsOrigins, () => deskOrigins.of('jira')));
  app.use('/api/v1/sessions', sessionRoutes({ sessions, metrics }));
  app.use(
    '/api/v1/sidebar',
    requireSession({ sessions, metrics }),
    sidebarRoutes({ db, ticketSecrets, publicUrl: config.publicUrl, maxFileBytes: config.maxFileBytes }),
    verificationRoutes({
      service: createVerificationService(verification.deps),
      events:
        deps.live &&
        createVerificationEvents({
          db,
          hub: deps.live,
          logger,
          isSupervisor: async (session) => (await verification.deps.loadPolicy(session.tenantId)).policy.supervisors.includes(session.agentId),
          isTenantActive: tenants.isActive,
          onStreams: (n) => metrics.verificationStreams.set(n),
        }),
      publicUrl: config.publicUrl,
    }),
  );
  app.use(
    verificationCallbackRoutes({
      verification: verification.deps,
      limit: limits.middleware(callbackLimit(config.rateLimitPerMinute)),
      onRecipientVerified: recipients.service.onVerified,
    }),
  );
  app.use('/api', (_req, _res, next) => next(new AppError('not_found', 'There is no such API endpoint.')));

  app.get('/metrics', noStore, bearerAuth('metrics'), async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.use('/apps', sidebarPagesRoutes({ ...config, deskOrigins }));

  if (config.portalDir && existsSync(path.join(config.portalDir, 'index.html'))) {
    const portalDir = config.portalDir;
    const index = path.join(portalDir, 'index.html');
    app.use('/assets', express.static(path.join(portalDir, 'assets'), { immutable: true, maxAge: '365d', index: false }));
    // Opening a link only ever serves this static page: GET and HEAD never consume (S2).
    // `/t/:tenant/s/:id`: a help-desk tenant's link; the portal derives its API prefix from this path.
    app.get(['/', '/s/:id', '/t/:tenant/s/:id'], noStore, (_req, res) => res.sendFile(index));
    app.use(express.static(portalDir, { index: false }));
  }

  app.use((_req, _res, next) => next(new AppError('not_found', 'There is nothing at this address.')));
  app.use(errorHandler);
  return app;
}
