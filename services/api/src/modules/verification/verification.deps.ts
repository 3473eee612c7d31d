import type { IdpKind, VerificationPolicy } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import type { HelpdeskConnector } from '../../helpdesks/helpdesk.types';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { VerificationProvider } from '../../providers/provider.types';
import type { RequesterKeyring } from '../../lib/requester-key';
import type { Keyring } from '../keys/keyring';

/** The tenant's providers, built from its sealed IdP connections (modules/idps createProviders). */
export type ProvidersFor = (tenantId: string) => Promise<ReadonlyMap<IdpKind, VerificationProvider>>;

export interface VerificationDeps {
  db: Db;
  keyring: Keyring;
  /** Customers' HMAC keys (push/contact limits, verified-only secrets), stable across KEK rotation. */
  requesterKeys: RequesterKeyring;
  logger: Logger;
  metrics: Pick<Metrics, 'verificationsStarted' | 'verificationsFinished'>;
  providersFor: ProvidersFor;
  /** The desk connector of an active help-desk tenant; undefined once it is removed. */
  connectorFor(tenantId: string): Promise<HelpdeskConnector | undefined>;
  loadPolicy(tenantId: string): Promise<{ version: number; policy: VerificationPolicy }>;
  /** A note row was queued (nudge the outbox). */
  onNoteQueued(): void;
  /** A push verification was recorded: poll it now, in this process. */
  onPushStarted(): void;
}
