import type { Db } from '../../db/database';
import type { DeskTenant, HelpdeskConnector } from '../../helpdesks/helpdesk.types';
import type { RequesterKeyring } from '../../lib/requester-key';
import type { TenantsService } from '../tenants/tenants.service';
import { recipientMethods, requesterLookup } from './recipient-methods';
import { createRecipientVerification, type RecipientVerificationDeps } from './recipient-verification.service';

/**
 * Wires verified-requester-only secrets: the lookups the sidebar create needs (requester on record
 * through the desk, their HMAC keys, the tenant's link methods) and the recipient service the public
 * routes and the verification callback use. `startRecipient` is the verification module's.
 */
export function setupRecipients(deps: {
  db: Db;
  requesterKeys: RequesterKeyring;
  tenants: Pick<TenantsService, 'loadDeskTenant'>;
  connectorFor(tenant: DeskTenant): HelpdeskConnector;
  startRecipient: RecipientVerificationDeps['startRecipient'];
}) {
  const lookups: Pick<RecipientVerificationDeps, 'requesterOf' | 'keysOf' | 'linkMethods'> = {
    requesterOf: requesterLookup({ tenants: deps.tenants, connectorFor: deps.connectorFor }),
    keysOf: async (tenantId, requester) => (await deps.requesterKeys.keysFor(tenantId, requester))?.candidates ?? [],
    linkMethods: (tenantId) => recipientMethods(deps.db, tenantId),
  };
  const service = createRecipientVerification({ db: deps.db, ...lookups, startRecipient: deps.startRecipient });
  return { lookups, service };
}

export type Recipients = ReturnType<typeof setupRecipients>;
