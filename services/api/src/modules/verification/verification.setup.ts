import type { Config } from '../../config';
import type { Db } from '../../db/database';
import type { DeskTenant, HelpdeskConnector } from '../../helpdesks/helpdesk.types';
import type { Outbound } from '../../lib/outbound';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import { createProviders, type ProviderConstructors } from '../idps/providers';
import { instrumentProvider } from '../../providers/instrument';
import { createRequesterKeyring } from '../../lib/requester-key';
import type { Keyring } from '../keys/keyring';
import { createTenantKeys } from '../keys/tenant-keys';
import { loadPolicy } from '../policy/load-policy';
import type { TenantsService } from '../tenants/tenants.service';
import { createVerificationPoller, type VerificationPoller } from './verification.poller';
import type { ProvidersFor, VerificationDeps } from './verification.deps';

/**
 * One per process, shared by the HTTP app (start kicks the poller) and the jobs loop (which polls
 * what is due, including rows other processes started).
 */
export interface VerificationRuntime {
  deps: VerificationDeps;
  poller: VerificationPoller;
}

export interface VerificationSetupDeps {
  db: Db;
  keyring: Keyring;
  logger: Logger;
  metrics: Pick<Metrics, 'verificationsStarted' | 'verificationsFinished' | 'idpCallDuration'>;
  config: Pick<Config, 'helpdeskTimeoutMs'>;
  /** The process's one outbound-connection guard (S12): providers connect through it. */
  outbound: Outbound;
  tenants: Pick<TenantsService, 'loadDeskTenant'>;
  /** The process's desk connector factory (compose.ts). */
  connectorFor(tenant: DeskTenant): HelpdeskConnector;
  /** A chat workspace tenant's connector (issue 13, modules/chat), for tenants without a desk. */
  chatConnectorFor?(tenantId: string): Promise<HelpdeskConnector | undefined>;
  onNoteQueued(): void;
  /** Provider constructors by kind when not the built-in ones (tests with scripted providers; compose.ts). */
  providerConstructors?: Partial<ProviderConstructors>;
  pollIntervalMs?: number;
  maxWaitMs?: number;
}

export const DEFAULT_POLL_INTERVAL_MS = 1_000;
export const DEFAULT_LONG_POLL_MS = 10_000;

export function setupVerification(s: VerificationSetupDeps): VerificationRuntime {
  const providersFor: ProvidersFor = async (tenantId) => {
    const { policy } = await loadPolicy(s.db, tenantId);
    const providers = await createProviders(s.db, s.keyring, tenantId, {
      timeoutMs: s.config.helpdeskTimeoutMs,
      policy,
      outbound: s.outbound,
      ...(s.providerConstructors ? { constructors: s.providerConstructors } : {}),
    });
    for (const [kind, provider] of providers)
      providers.set(
        kind,
        instrumentProvider(provider, (operation, outcome, seconds) =>
          s.metrics.idpCallDuration.observe({ idp: kind, operation, outcome }, seconds),
        ),
      );
    return providers;
  };
  const kick = { current: (): void => undefined };
  const deps: VerificationDeps = {
    db: s.db,
    keyring: s.keyring,
    requesterKeys: createRequesterKeyring(s.keyring, createTenantKeys(s.db, s.keyring)),
    logger: s.logger,
    metrics: s.metrics,
    providersFor,
    connectorFor: async (tenantId) => {
      const tenant = await s.tenants.loadDeskTenant({ id: tenantId });
      return tenant ? s.connectorFor(tenant) : s.chatConnectorFor?.(tenantId);
    },
    loadPolicy: (tenantId) => loadPolicy(s.db, tenantId),
    onNoteQueued: s.onNoteQueued,
    onPushStarted: () => kick.current(),
  };
  const poller = createVerificationPoller(deps, {
    intervalMs: s.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    maxWaitMs: s.maxWaitMs ?? DEFAULT_LONG_POLL_MS,
  });
  kick.current = () => poller.kick();
  return { deps, poller };
}
