import type { webApi } from '@slack/bolt';
import { AppError } from '../../../errors';
import type { Logger } from '../../../logger';
import type { ActingSession } from '../../sessions/session.types';
import type { VerificationService } from '../../verification/verification.service';
import type { Db } from '../../../db/database';
import { lookUpMember, parseChatTicketId } from './slack.connector';
import { ACTIONS, renderOverrideRequest } from './slack-messages';
import type { SlackLive } from './slack-live';
import { findMessage, type SlackWorkspace } from './slack-workspaces.repository';

/**
 * Supervisor overrides from Slack (issue 13 item 4), on the existing rules of modules/verification: the agent asks
 * (a reason, in a modal), a supervisor named in the tenant's policy approves or declines with the buttons of the
 * request message. Who clicks is Slack's signed `user.id`; the service refuses self-approval (and the database does
 * too), scopes everything by tenant + thread, and an approved override is `overridden` — never `verified`.
 */

export interface SlackOverrideDeps {
  db: Db;
  service: Pick<VerificationService, 'requestOverride' | 'approveOverride' | 'declineOverride'>;
  live: Pick<SlackLive, 'render'>;
  logger: Logger;
}

export interface OverrideAct {
  workspace: SlackWorkspace;
  client: webApi.WebClient;
  userId: string;
  verificationId: string;
  ticketId: string;
}

async function actingAs(a: OverrideAct): Promise<ActingSession | undefined> {
  const person = await lookUpMember(a.client, a.workspace.teamId, a.userId).catch(() => undefined);
  if (!person) return undefined;
  return {
    tenantId: a.workspace.tenantId,
    ticketId: a.ticketId,
    ticketDisplayId: `Slack ${parseChatTicketId(a.ticketId)?.channel ?? ''}`,
    agentId: a.userId,
    agentLabel: person.name ?? a.userId,
  };
}

async function tell(a: OverrideAct, text: string): Promise<void> {
  const t = parseChatTicketId(a.ticketId);
  if (!t) return;
  await a.client.chat
    .postEphemeral({ channel: t.channel, user: a.userId, text, ...(t.threadTs ? { thread_ts: t.threadTs } : {}) })
    .catch(() => undefined);
}

/** The reason modal (views.open needs the click's trigger_id, valid for 3 seconds). */
export async function openReasonModal(a: OverrideAct, triggerId: string, kind: 'request' | 'decline'): Promise<void> {
  await a.client.views.open({
    trigger_id: triggerId,
    view: {
      type: 'modal',
      callback_id: ACTIONS.reasonModal,
      private_metadata: JSON.stringify({ kind, verificationId: a.verificationId, ticketId: a.ticketId }),
      title: { type: 'plain_text', text: kind === 'request' ? 'Ask for an override' : 'Decline the override' },
      submit: { type: 'plain_text', text: kind === 'request' ? 'Ask' : 'Decline' },
      blocks: [
        {
          type: 'input',
          block_id: 'reason',
          label: { type: 'plain_text', text: 'Reason (no account numbers or secrets)' },
          element: { type: 'plain_text_input', action_id: 'reason', multiline: true, max_length: 500 },
        },
      ],
    },
  });
}

export async function decideOverride(
  deps: SlackOverrideDeps,
  a: OverrideAct,
  decision: { kind: 'request'; reason: string } | { kind: 'approve' } | { kind: 'decline'; reason: string },
): Promise<void> {
  const session = await actingAs(a);
  if (!session) {
    await tell(a, 'Vouchsafe could not confirm who you are in this workspace; nothing was changed.');
    return;
  }
  try {
    if (decision.kind === 'request') {
      const v = await deps.service.requestOverride(session, a.verificationId, decision.reason);
      const t = parseChatTicketId(a.ticketId)!;
      const message = renderOverrideRequest(v, a.ticketId, t.userId);
      const thread = (await findMessage(deps.db, a.workspace.tenantId, a.verificationId))?.ts ?? t.threadTs;
      await a.client.chat.postMessage({
        channel: t.channel,
        text: message.text,
        blocks: message.blocks,
        ...(thread ? { thread_ts: thread } : {}),
      });
      await deps.live.render(a.workspace.tenantId, v.id);
      return;
    }
    const v =
      decision.kind === 'approve'
        ? await deps.service.approveOverride(session, a.verificationId)
        : await deps.service.declineOverride(session, a.verificationId, decision.reason);
    await deps.live.render(a.workspace.tenantId, v.id);
  } catch (err) {
    if (err instanceof AppError && err.expose) {
      await tell(a, err.message);
      return;
    }
    deps.logger.warn({ kind: err instanceof AppError ? err.code : 'internal', decision: decision.kind }, 'slack override failed');
    await tell(a, 'Vouchsafe could not record that; try again in a moment.');
  }
}
