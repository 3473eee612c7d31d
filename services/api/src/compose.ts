import type { ApprovalMode, AuditCheckpointView } from '@vouchsafe/contracts';
import type { Config, KeyEntry } from './config';
import type { Db } from './db/database';
import { AppError } from './errors';
import { createConnector } from './helpdesks';
import type { DeskTenant } from './helpdesks/helpdesk.types';
import { createOutbound, outboundPolicy, type Outbound } from './lib/outbound';
import type { Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { createApiTokensService } from './modules/api-tokens/api-tokens.service';
import { createBearerAuth } from './modules/api-tokens/bearer-auth';
import { createCheckpointJob } from './modules/audit/checkpoints-job';
import type { ProviderConstructors } from './modules/idps/providers';
import { createChangesService } from './modules/changes/changes.service';
import { createIdpsService } from './modules/idps/idps.service';
import type { Keyring } from './modules/keys/keyring';
import { createNoteDispatcher } from './modules/notes/note-delivery';
import { setupLifecycle } from './modules/lifecycle/lifecycle.setup';
import { setupOperators } from './modules/operators/operators.setup';
import { createPolicyService } from './modules/policy/policy.service';
import { createReviewService } from './modules/review/review.service';
import { verifyCheckpoint } from './modules/audit/checkpoints';
import { trustedKeys } from './modules/audit/checkpoints-keys';
import { createRateLimits } from './modules/rate-limits/rate-limits';
import { setupRecipients } from './modules/secrets/recipients.setup';
import { createSecretsService } from './modules/secrets/secrets.service';
import { createTicketSecretsService } from './modules/secrets/ticket-secrets.service';
import { createBrandingService } from './modules/branding/branding.service';
import { createTenantKeys } from './modules/keys/tenant-keys';
import { setupSiem } from './modules/siem/siem.setup';
import type { SiemSettingKey } from './modules/siem/siem.settings';
import { createSessionTokens, sessionSigningKeys } from './modules/sessions/session-token';
import { createSessionsService } from './modules/sessions/sessions.service';
import { createDeskOrigins } from './modules/tenants/desk-origins';
import { createDocumentsService } from './modules/documents/documents.service';
import { cancelTicketRequestsInTransaction } from './modules/documents/documents.repository';
import { createTenantsService } from './modules/tenants/tenants.service';
import type { DeskEventHandlers } from './modules/desk-events/desk-event.types';
import { setupDeskEvents } from './modules/desk-events/desk-events.setup';
import { createLiveHub } from './modules/verification/live';
import { startRecipientVerification } from './modules/verification/start-verification';
import { setupVerification } from './modules/verification/verification.setup';
import { createVerificationEvents } from './modules/verification/verification-events';
import { createVerificationService } from './modules/verification/verification.service';
import { createSlackConnectors, setupSlack } from './modules/chat/slack/slack.setup';
import type { SlackSettingKey } from './modules/chat/slack/slack.settings';

/**
 * The composition root: every service, connector, provider registry and background worker of one API process is
 * built here, once, in dependency order. `app.ts` only secures and mounts what this returns; `server.ts` starts the
 * HTTP server and the jobs with it and stops its parts on shutdown. Tests build the same graph (test/harness.ts) with
 * their own config — there is no other place that constructs a service.
 */

/** The settings the graph and the HTTP app read (server-only settings — ports, pools, embedded mode — stay in server.ts). */
export type AppConfig = Pick<
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
  Partial<Pick<Config, 'readyTimeoutMs' | 'databaseAcquireTimeoutMs' | 'operators'>> &
  // Issue 12: the reconciliation sweep's bound per run (default 500 when absent, as in tests).
  Partial<Pick<Config, 'lifecycleSweepMaxTickets'>> &
  // Audit checkpoints (issue 9): without a signing key no checkpoint job runs (tests that do not need one).
  Partial<Pick<Config, 'auditSigningKey' | 'auditPublicKeys' | 'auditCheckpointDir'>> &
  // SIEM stream (issue 9): every sink off unless its URL is set.
  Partial<Pick<Config, SiemSettingKey>> &
  // The Slack app (issue 13): off unless its client id, secret and signing secret are set.
  Partial<Pick<Config, SlackSettingKey>> &
  // Document requests (issue 11): module defaults (25 MiB, 1 h) when a harness does not set them.
  Partial<Pick<Config, 'documentMaxFileBytes' | 'documentAbandonSeconds'>> & {
    /** Maker-checker (issue 10): resolved by server.ts (VOUCHSAFE_APPROVALS), set explicitly by every test harness. */
    approvals: ApprovalMode;
  };

export interface ComposeInput {
  config: AppConfig;
  db: Db;
  keyring: Keyring;
  /** VOUCHSAFE_SESSION_KEYS; without them session keys are derived from the environment KEKs (session-token.ts). */
  sessionKeys?: readonly KeyEntry[];
  logger: Logger;
  /** For this process's LISTEN connection (live verification status). Without it the SSE endpoint answers 503. */
  databaseUrl?: string;
  /** The outbound guard's name resolver and the like are in `outbound`; tests may pass a guard built their way. */
  outbound?: Outbound;
  /**
   * Verification provider constructors by IdP kind, when not the built-in ones (tests with scripted providers). The
   * graph takes them as data; nothing registers into a global.
   */
  providerConstructors?: Partial<ProviderConstructors>;
  /** Push polling pace (tests poll faster than production's 1 s / 10 s long poll). */
  verificationPolling?: { intervalMs: number; maxWaitMs: number };
  /**
   * Issue 12: replaces the ticket-lifecycle handler the receivers call (default: modules/lifecycle's), for tests that
   * watch what the receivers hand over. The comment (redaction) handler is built by setupDeskEvents.
   */
  deskEventHandlers?: Pick<DeskEventHandlers, 'onTicketLifecycle'>;
}

export function compose(input: ComposeInput) {
  const { config, db, keyring, logger } = input;
  const metrics: Metrics = createMetrics(db);
  // One outbound-connection guard (S12) for every connector and provider of this process.
  const outbound = input.outbound ?? createOutbound(outboundPolicy(config));
  const auditKeys = trustedKeys(config.auditSigningKey, config.auditPublicKeys ?? []);
  const apiTokens = createApiTokensService({ db, bootstrap: config.apiTokens, logger });
  const connectorFor = (tenant: DeskTenant) =>
    createConnector(tenant, {
      timeoutMs: config.helpdeskTimeoutMs,
      outbound,
      observe: (operation, outcome, seconds) => metrics.deskCallDuration.observe({ desk: tenant.desk, operation, outcome }, seconds),
    });
  // The registered accounts' browser origins: frame-ancestors of each desk's sidebar page, CORS for Jira sites.
  const deskOrigins = createDeskOrigins({ db, logger });
  const tenants = createTenantsService({ db, keyring, outbound, onChanged: deskOrigins.invalidate });
  // Issue 13: a Slack workspace is a tenant without a desk; its connector posts notes to the audit channel.
  const slackClient = { slackApiUrl: config.slackApiUrl ?? 'https://slack.com/api/', timeoutMs: config.helpdeskTimeoutMs };
  const chatConnectorFor = createSlackConnectors({ db, keyring, client: slackClient });
  const notes = createNoteDispatcher({
    db,
    logger,
    metrics,
    loadTenant: (id) => tenants.loadDeskTenant({ id }),
    connectorFor,
    chatConnectorFor,
    maxAttempts: config.noteMaxAttempts,
    backoffMs: config.noteBackoffMs,
    timeoutMs: config.helpdeskTimeoutMs,
  });
  const verification = setupVerification({
    db,
    keyring,
    logger,
    metrics,
    config,
    outbound,
    tenants,
    connectorFor,
    chatConnectorFor,
    onNoteQueued: notes.nudge,
    ...(input.providerConstructors ? { providerConstructors: input.providerConstructors } : {}),
    ...(input.verificationPolling
      ? { pollIntervalMs: input.verificationPolling.intervalMs, maxWaitMs: input.verificationPolling.maxWaitMs }
      : {}),
  });
  // Verified-requester-only secrets (modules/secrets/NOTES.md); the recipient's verification runs in modules/verification.
  const recipients = setupRecipients({
    db,
    requesterKeys: verification.deps.requesterKeys,
    tenants,
    connectorFor,
    startRecipient: (start) => {
      // VOUCHSAFE_PUBLIC_URL, else the request's own origin (development): where the IdP sends the browser back.
      const origin = config.publicUrl ?? start.origin;
      if (!origin) return Promise.reject(new AppError('not_ready', 'Recipient verification needs VOUCHSAFE_PUBLIC_URL on this server.'));
      return startRecipientVerification(verification.deps, { ...start, callbackBase: `${origin}/verify/callback` });
    },
  });
  // Issue 12: ticket lifecycle (close / delete / merge) — the handler desk webhook receivers call, and its sweep.
  const lifecycle = setupLifecycle({
    db,
    logger,
    metrics,
    onNoteQueued: notes.nudge,
    loadTenant: (id) => tenants.loadDeskTenant({ id }),
    connectorFor,
    sweepMaxTickets: config.lifecycleSweepMaxTickets ?? 500,
    // Issue 11: a ticket's open document requests end with it, in the same transaction.
    documentRequests: { cancelForTicket: (trx, change) => cancelTicketRequestsInTransaction(trx, change) },
  });
  const secretsDeps = { db, keyring, maxFileBytes: config.maxFileBytes, metrics, onNoteQueued: notes.nudge };
  const secrets = createSecretsService({ ...secretsDeps, recipientMethods: recipients.service.methodsFor });
  const limits = createRateLimits(db);
  // Issue 11: document requests (one-time uploads, encrypted in the customer's browser; modules/documents/NOTES.md).
  const documents = createDocumentsService({
    db,
    keyring,
    onNoteQueued: notes.nudge,
    ...(config.documentMaxFileBytes ? { maxFileBytes: config.documentMaxFileBytes } : {}),
    ...(config.documentAbandonSeconds ? { abandonSeconds: config.documentAbandonSeconds } : {}),
  });
  // SIEM stream (issue 9): sealed audit events and checkpoints to syslog / Splunk HEC / webhook; undefined when off.
  const siem = setupSiem({ db, logger, metrics, outbound, settings: config });
  const idps = createIdpsService({ db, keyring, outbound });
  const policy = createPolicyService({ db });
  const bearerAuth = createBearerAuth({ tokens: config.apiTokens, findStored: apiTokens.findStored, limits, metrics });
  // Issue 12: desk webhooks (signed per tenant) → redaction of secrets in comments, and ticket-lifecycle events.
  const deskEvents = setupDeskEvents({
    db,
    keyring,
    logger,
    metrics,
    tenants,
    connectorFor,
    onNoteQueued: notes.nudge,
    backoffMs: config.noteBackoffMs,
    maxAttempts: config.noteMaxAttempts,
    timeoutMs: config.helpdeskTimeoutMs,
    onTicketLifecycle: input.deskEventHandlers?.onTicketLifecycle ?? lifecycle.onTicketLifecycle,
  });
  const live = input.databaseUrl
    ? createLiveHub({
        databaseUrl: input.databaseUrl,
        logger,
        ...(config.databaseAcquireTimeoutMs ? { connectTimeoutMs: config.databaseAcquireTimeoutMs } : {}),
      })
    : undefined;
  const verificationService = createVerificationService(verification.deps);
  const slack =
    config.slackClientId && config.slackClientSecret && config.slackSigningSecret
      ? setupSlack({
          settings: {
            clientId: config.slackClientId,
            clientSecret: config.slackClientSecret,
            signingSecret: config.slackSigningSecret,
            authorizeUrl: config.slackAuthorizeUrl ?? 'https://slack.com/oauth/v2/authorize',
            client: slackClient,
          },
          db,
          keyring,
          logger,
          verification: verification.deps,
          verificationService,
          live,
          publicUrl: config.publicUrl,
        })
      : undefined;

  return {
    config,
    db,
    logger,
    metrics,
    outbound,
    deskOrigins,
    tenants,
    notes,
    verification,
    recipients,
    /** Issue 12: `onTicketLifecycle` (DeskEventHandlers) and the sweep, started by server.ts with its interval. */
    lifecycle,
    secrets,
    // Issue 14: tenant branding, the link phrase and the check page (modules/branding/NOTES.md).
    branding: createBrandingService({ db, tenantKeys: createTenantKeys(db, keyring), secrets }),
    ticketSecrets: createTicketSecretsService({ ...secretsDeps, recipients: recipients.lookups }),
    documents,
    sessions: createSessionsService({
      tenants,
      connectorFor,
      tokens: createSessionTokens(sessionSigningKeys(input.sessionKeys, keyring), { ttlSeconds: config.sessionTtlSeconds }),
      chainMaxSeconds: config.sessionChainMaxSeconds,
      forgeJwksUrl: config.forgeJwksUrl,
      fetch: outbound.fetch,
    }),
    idps,
    policy,
    // Issue 10: maker-checker — policy and IdP changes wait for a second person (VOUCHSAFE_APPROVALS=four_eyes).
    changes: createChangesService({ db, keyring, approvals: config.approvals, policy, idps }),
    // Issue 8: scoped API tokens, failed-auth throttling and rate limits shared by every process (through Postgres).
    limits,
    apiTokens,
    bearerAuth,
    // Issue 9: operators of the consoles (/review) sign in at the bank's IdP; `/api/v1/audit` takes them or auditor tokens.
    operators: setupOperators({
      settings: config.operators,
      db,
      keyring,
      logger,
      metrics,
      outbound,
      bearerAuth,
      limits,
      publicUrl: config.publicUrl,
      timeoutMs: config.helpdeskTimeoutMs,
    }),
    live,
    deskEvents,
    /** Issue 13: the Slack app (Bolt on a custom receiver); undefined unless VOUCHSAFE_SLACK_* are set. */
    slack,
    verificationService,
    /** Live status streams (SSE); undefined without a LISTEN connection (the endpoint then answers 503). */
    verificationEvents:
      live &&
      createVerificationEvents({
        db,
        hub: live,
        logger,
        isSupervisor: async (session) =>
          (await verification.deps.loadPolicy(session.tenantId)).policy.supervisors.includes(session.agentId),
        isTenantActive: tenants.isActive,
        onStreams: (n) => metrics.verificationStreams.set(n),
      }),
    // Issue 9 (receipts part): the reviewer query API and receipt checks; desks asked through the same connectors.
    // `verifyCheckpoint` (the audit public key) is not configured yet: checkpoints show, `checkpointValid` is null.
    review: createReviewService({
      db,
      loadTenant: (id) => tenants.loadDeskTenant({ id }),
      connectorFor,
      // A receipt's covering checkpoint counts only when its signature verifies with a trusted audit key AND what it
      // signs is the row shown (a superuser can edit the row; not the signature).
      ...(auditKeys.size > 0
        ? {
            verifyCheckpoint: async (cp: AuditCheckpointView) => {
              const r = await verifyCheckpoint(cp.jws, auditKeys);
              return (
                r.ok &&
                r.checkpoint.tenantId === cp.tenantId &&
                r.checkpoint.chainIndex === String(cp.chainIndex) &&
                r.checkpoint.hash === cp.hash
              );
            },
          }
        : {}),
    }),
    /** What the jobs loop needs besides its intervals (server.ts; tests start it the same way). */
    workers: {
      notes,
      documents,
      metrics,
      verificationPoller: verification.poller,
      commentRedactions: deskEvents.redactions,
      ...(siem ? { siem } : {}),
      checkpoints:
        config.auditSigningKey &&
        createCheckpointJob({
          db,
          logger,
          signingKey: config.auditSigningKey,
          ...(config.auditCheckpointDir ? { dir: config.auditCheckpointDir } : {}),
        }),
    },
    siem,
    /** Stops everything the graph started, in order (the HTTP server and the pool are the caller's). */
    async close(): Promise<void> {
      slack?.stop();
      await live?.close();
      await verification.poller.stop();
      await deskEvents.stop();
      await notes.stop();
      await siem?.stop();
      if (!input.outbound) await outbound.close();
    },
  };
}

export type Graph = ReturnType<typeof compose>;
