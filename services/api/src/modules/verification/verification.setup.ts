import type { Config } from '../../config';
import type { Db } from '../../db/database';
import { createConnector } from '../../helpdesks';
import type { Outbound } from '../../lib/outbound';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import { createProviders } from '../idps/providers';
import { createRequesterKeyring } from '../../lib/requester-key';
import type { Keyring } from '../keys/keyring';
import { createTenantKeys } from '../keys/tenant-keys';
import { loadPolicy } from '../policy/load-policy';
import type { TenantsService } from '../tenants/tenants.service';
import { createTenantsService } from '../tenants/tenants.service';
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
  metrics: Pick<Metrics, 'verificationsStarted' | 'verificationsFinished'>;
  config: Pick<Config, 'helpdeskTimeoutMs'>;
  /** The process's one outbound-connection guard (S12): connectors and providers connect through it. */
  outbound: Outbound;
  onNoteQueued(): void;
  tenants?: Pick<TenantsService, 'loadDeskTenant'>;
  /** Tests: the tenant's providers from somewhere else than its sealed connections. */
  providersFor?: ProvidersFor;
  pollIntervalMs?: number;
  maxWaitMs?: number;
}

export const DEFAULT_POLL_INTERVAL_MS = 1_000;
export const DEFAULT_LONG_POLL_MS = 10_000;

export function setupVerification(s: VerificationSetupDeps): VerificationRuntime {
  const tenants = s.tenants ?? createTenantsService({ db: s.db, keyring: s.keyring, outbound: s.outbound });
  const providersFor: ProvidersFor =
    s.providersFor ??
    ((tenantId) => loadPolicy(s.db, tenantId).then(({ policy }) => createProviders(s.db, s.keyring, tenantId, { timeoutMs: s.config.helpdeskTimeoutMs, policy, outbound: s.outbound })));
  const kick = { current: (): void => undefined };
  const deps: VerificationDeps = {
    db: s.db,
    keyring: s.keyring,
    requesterKeys: createRequesterKeyring(s.keyring, createTenantKeys(s.db, s.keyring)),
    logger: s.logger,
    metrics: s.metrics,
    providersFor,
    connectorFor: async (tenantId) => {
      const tenant = await tenants.loadDeskTenant({ id: tenantId });
      return tenant && createConnector(tenant, { timeoutMs: s.config.helpdeskTimeoutMs, outbound: s.outbound });
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
