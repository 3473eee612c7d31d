import { DESK_LABELS, type Desk, type SessionResponse } from '@vouchsafe/contracts';
import { AppError } from '../../errors';
import { HelpdeskError, type DeskTenant, type HelpdeskConnector, type HelpdeskPerson } from '../../helpdesks/helpdesk.types';
import { maskEmail, maskIdentifiers } from '../../lib/mask';
import type { OutboundFetch } from '../../lib/outbound';
import type { TenantsService } from '../tenants/tenants.service';
import { verifyForgeToken, verifyServiceNowToken, verifyZendeskToken, type HostTokenDeps, type VerifiedHostToken } from './host-tokens';
import { SessionRejection } from './session-rejection';
import type { SessionTokens, VerifiedSession } from './session-token';

export interface SessionsDeps {
  tenants: Pick<TenantsService, 'zendeskByInstallation' | 'loadDeskTenant' | 'isActive'>;
  connectorFor(tenant: DeskTenant): HelpdeskConnector;
  tokens: SessionTokens;
  chainMaxSeconds: number;
  forgeJwksUrl: string;
  /** The outbound guard's fetch (S12), for the Forge JWKS. */
  fetch: OutboundFetch;
  now?: () => number;
}

function deskFailure(desk: Desk, err: unknown): AppError {
  return new AppError(
    'helpdesk_unavailable',
    `Vouchsafe could not reach ${DESK_LABELS[desk]} to look up this ticket. Try again in a moment.`,
    {
      cause: err,
      detail: err instanceof HelpdeskError ? err.kind : undefined,
    },
  );
}

/** What the sidebar may show for a person: a name and/or a masked email, never a full identifier. */
export function personLabel(p: HelpdeskPerson | undefined, fallback: string): string {
  const name = p?.name?.trim() ? maskIdentifiers(p.name.trim()).slice(0, 120) : undefined;
  const email = p?.email?.trim() ? maskEmail(p.email.trim()).slice(0, 120) : undefined;
  const label = [name, email].filter(Boolean).join(' · ');
  return label || fallback;
}

export function createSessionsService(deps: SessionsDeps) {
  const now = () => deps.now?.() ?? Math.floor(Date.now() / 1000);
  const hostDeps: HostTokenDeps = {
    zendeskByInstallation: deps.tenants.zendeskByInstallation,
    loadDeskTenant: deps.tenants.loadDeskTenant,
    forgeJwksUrl: deps.forgeJwksUrl,
    fetch: deps.fetch,
    now,
  };

  /** Only after the host token verified: look the ticket and people up through the desk's API. */
  async function open(verified: VerifiedHostToken): Promise<SessionResponse> {
    const { tenant } = verified;
    const connector = deps.connectorFor(tenant);
    const desk = tenant.desk;
    // A desk that says "not found" is an answer; anything else (timeout, 5xx, our credentials refused) is a 502.
    const ask = async <T>(call: () => Promise<T | undefined>): Promise<T | undefined> => {
      try {
        return await call();
      } catch (err) {
        if (err instanceof HelpdeskError && err.kind === 'not_found') return undefined;
        throw deskFailure(desk, err);
      }
    };
    const ticket = await ask(() => connector.getTicket(verified.ticketId));
    if (!ticket) throw new AppError('not_found', `This ticket was not found in ${DESK_LABELS[desk]}.`);
    const [requester, agent] = await Promise.all([
      ask(() => connector.getRequester(ticket)),
      verified.agentName ? undefined : ask(() => connector.getAgent(verified.agentId)),
    ]);
    const chainStart = Math.min(verified.issuedAt, now());
    const chainExpiresAt = chainStart + deps.chainMaxSeconds;
    if (chainExpiresAt <= now()) throw new SessionRejection('chain_expired');
    const agentLabel = verified.agentName
      ? maskIdentifiers(verified.agentName)
      : agent?.name?.trim()
        ? maskIdentifiers(agent.name.trim()).slice(0, 120)
        : `Agent ${maskIdentifiers(verified.agentId)}`.slice(0, 120);
    const requesterLabel = personLabel(requester, 'Unknown requester');
    const claims = {
      tenantId: tenant.id,
      desk,
      ticketId: ticket.id,
      ticketDisplayId: ticket.displayId,
      agentId: verified.agentId,
      agentLabel,
      tenantName: tenant.name,
      requesterLabel,
      chainExpiresAt,
    };
    const minted = await deps.tokens.mint(claims);
    return respond(minted, claims);
  }

  function respond(
    minted: { token: string; expiresAt: Date },
    c: Pick<VerifiedSession, 'desk' | 'tenantName' | 'ticketId' | 'ticketDisplayId' | 'requesterLabel' | 'agentLabel'>,
  ): SessionResponse {
    return {
      session: minted.token,
      expiresAt: minted.expiresAt.toISOString(),
      context: {
        desk: c.desk,
        tenantName: c.tenantName,
        // ServiceNow tickets are `table:sys_id` inside Vouchsafe; the sidebar knows the record by its sys_id.
        ticket: { id: c.desk === 'servicenow' ? c.ticketId.slice(c.ticketId.indexOf(':') + 1) : c.ticketId, displayId: c.ticketDisplayId },
        requester: { label: c.requesterLabel },
        agent: { label: c.agentLabel },
      },
    };
  }

  return {
    zendesk: async (token: string, ticketId: string) => open(await verifyZendeskToken(hostDeps, token, ticketId)),
    servicenow: async (token: string, record: { table: string; sysId: string }) =>
      open(await verifyServiceNowToken(hostDeps, token, record)),
    jira: async (token: string, issueKey: string) => open(await verifyForgeToken(hostDeps, token, issueKey)),

    /** A session whose tenant was removed is as dead as an expired one. */
    async verify(token: string): Promise<VerifiedSession> {
      const session = await deps.tokens.verify(token);
      if (!(await deps.tenants.isActive(session.tenantId))) throw new SessionRejection('unknown_tenant', 'tenant removed');
      return session;
    },

    /** A fresh session for the same binding, never past the chain end. */
    async renew(session: VerifiedSession): Promise<SessionResponse> {
      const minted = await deps.tokens.mint(session);
      return respond(minted, session);
    },
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
