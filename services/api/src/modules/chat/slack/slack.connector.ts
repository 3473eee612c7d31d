import type { webApi } from '@slack/bolt';
import { HelpdeskError, type HelpdeskConnector, type HelpdeskPerson, type HelpdeskTicket } from '../../../helpdesks/helpdesk.types';
import { asHelpdeskError, platformError } from './slack-web';
import type { SlackWorkspace } from './slack-workspaces.repository';

/**
 * A Slack workspace seen through the HelpdeskConnector the verification module and the note outbox already use, so
 * policy, push limits per person, the audit chain and the masked notes work unchanged:
 * - the "ticket" is a thread and the person verified in it: `<channel>:<thread ts or ->:<user id>` (chatTicketId);
 * - the requester is that Slack member, looked up server-side with `users.info` (email needs `users:read.email`);
 * - an internal note is a masked audit line in the workspace's private audit channel (`chat.postMessage`);
 * - a "public reply" (sign-in links of link methods) is a direct message to that member (`conversations.open` +
 *   `chat.postMessage`, `im:write`), never to the channel.
 */

const ID = /^[A-Z0-9]{2,30}$/;
const TS = /^\d{1,12}\.\d{1,8}$/;

export interface ChatTicket {
  channel: string;
  /** The thread's root message ts; null for a slash command outside a thread (the status message starts one). */
  threadTs: string | null;
  userId: string;
}

export const chatTicketId = (t: ChatTicket): string => `${t.channel}:${t.threadTs ?? '-'}:${t.userId}`;

export function parseChatTicketId(id: string): ChatTicket | undefined {
  const [channel, thread, userId, ...rest] = id.split(':');
  if (rest.length > 0 || !channel || !thread || !userId || !ID.test(channel) || !ID.test(userId)) return undefined;
  if (thread !== '-' && !TS.test(thread)) return undefined;
  return { channel, threadTs: thread === '-' ? null : thread, userId };
}

/** Slack's documented escaping for message text: only `&`, `<` and `>` (links and mentions need `<`). */
export const escapeSlackText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface SlackUser {
  id?: string;
  team_id?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_email_confirmed?: boolean;
  real_name?: string;
  profile?: { email?: string; real_name?: string; display_name?: string };
}

/**
 * Who a Slack member is, as Vouchsafe may use it (DESIGN S11: identity claims used to match a person must be
 * verified): only members of this workspace's own team (a Slack Connect guest from another organisation could carry
 * any address), not deactivated, not a bot, and no email Slack marks unconfirmed. The profile's phone is never used:
 * members edit it themselves.
 */
export function personOf(user: SlackUser | undefined, teamId: string): HelpdeskPerson | undefined {
  if (!user?.id || user.deleted === true || user.is_bot === true) return undefined;
  if (user.team_id !== undefined && user.team_id !== teamId) return undefined;
  const email = user.is_email_confirmed === false ? null : (user.profile?.email ?? null);
  const name = user.profile?.real_name || user.real_name || user.profile?.display_name || null;
  return { id: user.id, name, email, phone: null };
}

export async function lookUpMember(client: webApi.WebClient, teamId: string, userId: string): Promise<HelpdeskPerson | undefined> {
  try {
    const res = await client.users.info({ user: userId });
    return personOf(res.user, teamId);
  } catch (err) {
    if (platformError(err) === 'user_not_found') return undefined;
    throw asHelpdeskError(err, 'users.info');
  }
}

export function createSlackConnector(ws: SlackWorkspace, client: webApi.WebClient): HelpdeskConnector {
  const post = async (channel: string, text: string, operation: string) => {
    try {
      // mrkdwn off: a masked note is plain text (only &, < and > are special; escapeNoteText handles them).
      const res = await client.chat.postMessage({ channel, text, mrkdwn: false, unfurl_links: false, unfurl_media: false });
      return { remoteId: typeof res.ts === 'string' ? res.ts : null };
    } catch (err) {
      throw asHelpdeskError(err, operation);
    }
  };
  return {
    desk: 'slack',
    async getTicket(ticketId): Promise<HelpdeskTicket | undefined> {
      const t = parseChatTicketId(ticketId);
      return t && { id: ticketId, displayId: `Slack ${t.channel}`, requesterId: t.userId };
    },
    async getRequester(ticket) {
      return ticket.requesterId ? lookUpMember(client, ws.teamId, ticket.requesterId) : undefined;
    },
    getAgent: (agentId) => lookUpMember(client, ws.teamId, agentId),
    // Slack cannot say when a member's profile phone changed, and the phone is never used anyway (S11).
    phoneChangedAt: () => Promise.resolve(null),
    escapeNoteText: escapeSlackText,
    async addInternalNote(_ticketId, body) {
      // Without an audit channel the audit chain is the only record (the install guide asks for one).
      if (!ws.auditChannel) return { remoteId: null };
      return post(ws.auditChannel, body, 'chat.postMessage (audit line)');
    },
    // Not built yet: reading the audit channel back needs `groups:history` (NOTES.md). A retry after an ambiguous
    // failure may therefore post a line twice; a receipt check answers "unavailable", never a verdict.
    findNote: () => Promise.resolve(false),
    readNote: () => Promise.reject(new HelpdeskError('unavailable', 'reading audit lines back from Slack is not built yet')),
    async addPublicReply(ticketId, body) {
      const t = parseChatTicketId(ticketId);
      if (!t) throw new HelpdeskError('not_found', 'not a Slack thread');
      let dm: string | undefined;
      try {
        const res = await client.conversations.open({ users: t.userId });
        dm = res.channel?.id;
      } catch (err) {
        throw asHelpdeskError(err, 'conversations.open');
      }
      if (!dm) throw new HelpdeskError('rejected', 'Slack opened no direct message');
      return post(dm, body, 'chat.postMessage (direct message)');
    },
    // Issue 12's desk-side features have no Slack counterpart yet: a thread is never "closed" (a verification there
    // ends by its own timeout), and messages are not scanned or redacted (no Events API subscription; NOTES.md).
    ticketStates: (ticketIds) => Promise.resolve(new Map(ticketIds.map((id) => [id, { state: 'open' as const }]))),
    redactComment: () => Promise.resolve('unsupported' as const),
  };
}
