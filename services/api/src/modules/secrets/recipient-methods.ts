import { RECIPIENT_VERIFY_METHODS, type RecipientVerifyMethod, type VerificationMethod } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { AppError } from '../../errors';
import { HelpdeskError, type DeskTenant, type HelpdeskConnector } from '../../helpdesks/helpdesk.types';
import type { RequesterOnRecord } from '../../providers/provider.types';
import { configuredMethods } from '../idps/idps.service';
import { loadPolicy } from '../policy/load-policy';
import type { TenantsService } from '../tenants/tenants.service';

const isRecipientMethod = (m: VerificationMethod): m is RecipientVerifyMethod =>
  (RECIPIENT_VERIFY_METHODS as readonly string[]).includes(m);

/** The link-based methods the tenant's policy allows AND an IdP connection makes possible, in policy order. */
export async function recipientMethods(db: Db, tenantId: string): Promise<RecipientVerifyMethod[]> {
  const [{ policy }, configured] = await Promise.all([loadPolicy(db, tenantId), configuredMethods(db, tenantId)]);
  return policy.methods.filter(isRecipientMethod).filter((m) => configured.includes(m));
}

/**
 * The ticket's requester as the desk has them on record, looked up server-side through the
 * tenant's connector (S6). undefined when the tenant, ticket or requester is unknown to the desk;
 * a desk that cannot be reached throws (the caller answers 502).
 */
export function requesterLookup(deps: {
  tenants: Pick<TenantsService, 'loadDeskTenant'>;
  connectorFor(tenant: DeskTenant): HelpdeskConnector;
}): (tenantId: string, ticketId: string) => Promise<RequesterOnRecord | undefined> {
  return async (tenantId, ticketId) => {
    const tenant = await deps.tenants.loadDeskTenant({ id: tenantId });
    if (!tenant) return undefined;
    const connector = deps.connectorFor(tenant);
    try {
      const ticket = await connector.getTicket(ticketId);
      const person = ticket && (await connector.getRequester(ticket));
      return person ? { email: person.email, phone: person.phone, name: person.name } : undefined;
    } catch (err) {
      if (err instanceof HelpdeskError && err.kind === 'not_found') return undefined;
      throw new AppError(
        'helpdesk_unavailable',
        "Vouchsafe could not reach the help desk to look up the ticket's requester. Try again in a moment.",
        {
          cause: err,
          detail: err instanceof HelpdeskError ? err.kind : undefined,
        },
      );
    }
  };
}
