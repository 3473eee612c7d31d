import type { webApi } from '@slack/bolt';
import { AppError } from '../../../errors';
import type { Logger } from '../../../logger';
import type { ActingSession } from '../../sessions/session.types';
import { methodContext } from '../../verification/method-options';
import { startVerification } from '../../verification/start-verification';
import type { VerificationDeps } from '../../verification/verification.deps';
import { toView } from '../../verification/verification.types';
import { chatTicketId, lookUpMember, type ChatTicket } from './slack.connector';
import { renderVerification } from './slack-messages';
import { rememberMessage, type SlackWorkspace } from './slack-workspaces.repository';
import type { SlackLive } from './slack-live';

/**
 * "Verify this person" from Slack (slash command or message shortcut), after the request was verified and
 * acknowledged. The agent is the Slack member who ran it — from Slack's signed request, nothing else; the person is
 * the member named by the command or who wrote the message. Everything else is the verification module's, unchanged:
 * requester looked up server-side (users.info through the Slack connector), the tenant's policy and IdPs, push and
 * contact limits per person (keyed by the email, so across desks and chat), one reservation transaction, the IdP
 * asked outside it, audit + masked note (→ the audit channel) per step.
 *
 * The thread message is kept equal to the verification's state by slack-live.ts, from the verification's own
 * NOTIFYs heard by any process; rendering once right after posting closes the gap between the start and the post.
 */

export interface SlackVerifyDeps {
  verification: VerificationDeps;
  live: Pick<SlackLive, 'render'>;
  logger: Logger;
  /** VOUCHSAFE_PUBLIC_URL: where link methods' callbacks and short links live. */
  publicUrl: string | undefined;
}

export interface VerifyRequest {
  workspace: SlackWorkspace;
  client: webApi.WebClient;
  agentUserId: string;
  ticket: ChatTicket;
}

/** The first method the tenant's policy allows that is available for this person now (policy order). */
async function chooseMethod(deps: VerificationDeps, session: ActingSession) {
  const ctx = await methodContext(deps, session);
  const option = ctx.options.find((o) => o.isAvailable);
  if (!option) {
    const reason = ctx.options.find((o) => o.reason)?.reason;
    throw new AppError('conflict', reason ?? 'No verification method of your policy can be used for this person right now.');
  }
  return option.method;
}

async function tellAgent(r: VerifyRequest, text: string): Promise<void> {
  await r.client.chat
    .postEphemeral({ channel: r.ticket.channel, user: r.agentUserId, text, ...(r.ticket.threadTs ? { thread_ts: r.ticket.threadTs } : {}) })
    .catch(() => undefined);
}

export async function verifyFromSlack(deps: SlackVerifyDeps, r: VerifyRequest): Promise<void> {
  const { workspace: ws, client, ticket } = r;
  if (ticket.userId === r.agentUserId) {
    // Proving to yourself who you are proves nothing about the person asking for help.
    await tellAgent(r, 'You cannot verify yourself: name the person who asked for help.');
    return;
  }
  const agent = await lookUpMember(client, ws.teamId, r.agentUserId).catch(() => undefined);
  if (!agent) {
    await tellAgent(r, 'Vouchsafe could not confirm who you are in this workspace, so nothing was started.');
    return;
  }
  const session: ActingSession = {
    tenantId: ws.tenantId,
    ticketId: chatTicketId(ticket),
    ticketDisplayId: `Slack ${ticket.channel}`,
    agentId: r.agentUserId,
    agentLabel: agent.name ?? r.agentUserId,
  };
  try {
    const method = await chooseMethod(deps.verification, session);
    const base = deps.publicUrl ?? '';
    const row = await startVerification(deps.verification, session, { method, callbackBase: `${base}/verify/callback`, publicUrl: base });
    const first = renderVerification(toView(row), ticket.userId, session.ticketId);
    const posted = await client.chat.postMessage({
      channel: ticket.channel,
      text: first.text,
      blocks: first.blocks,
      ...(ticket.threadTs ? { thread_ts: ticket.threadTs } : {}),
    });
    if (typeof posted.ts !== 'string') throw new Error('no ts');
    await rememberMessage(deps.verification.db, ws.tenantId, row.id, ticket.channel, posted.ts);
    // Whatever happened since the start is rendered now; later changes by whichever process hears them first.
    await deps.live.render(ws.tenantId, row.id);
  } catch (err) {
    if (err instanceof AppError && err.expose) {
      await tellAgent(r, err.message);
      return;
    }
    deps.logger.warn({ kind: err instanceof AppError ? err.code : 'internal' }, 'slack verification not started');
    await tellAgent(r, 'Vouchsafe could not start the verification; try again in a moment.');
  }
}
