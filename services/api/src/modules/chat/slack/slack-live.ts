import { sql } from 'kysely';
import type { Db } from '../../../db/database';
import type { Logger } from '../../../logger';
import type { Keyring } from '../../keys/keyring';
import * as repo from '../../verification/verification.repository';
import { toView } from '../../verification/verification.types';
import { parseChatTicketId } from './slack.connector';
import { renderVerification } from './slack-messages';
import { asHelpdeskError, createSlackClient, type SlackClientSettings } from './slack-web';
import { findWorkspaceByTenant } from './slack-workspaces.repository';

/**
 * Keeps each verification's thread message equal to its state, from ANY API process: every process hears every
 * verification NOTIFY (LiveHub.subscribeAll); the one whose claim moves `rendered_event_id` to the verification's
 * latest audit event renders it (one statement, so each change is rendered once, whichever process started the
 * verification or is still alive). The claim is taken before the Slack call (no network call holds anything); if
 * that call fails the message stays one step behind until the next change. Rendering is chained per message in this
 * process; two processes rendering two quick changes may still land out of order (NOTES.md).
 */
export function createSlackLive(deps: { db: Db; keyring: Keyring; client: SlackClientSettings; logger: Logger }) {
  const chains = new Map<string, Promise<void>>();

  async function renderNow(tenantId: string, verificationId: string): Promise<void> {
    const { rows } = await sql<{ channel: string; message_ts: string; ticket_id: string }>`
      UPDATE chat_verification_messages m SET rendered_event_id = v.last_event_id
      FROM verifications v
      WHERE m.tenant_id = ${tenantId} AND m.verification_id = ${verificationId}
        AND v.tenant_id = m.tenant_id AND v.id = m.verification_id
        AND m.rendered_event_id IS DISTINCT FROM v.last_event_id
      RETURNING m.channel, m.message_ts, v.ticket_id`.execute(deps.db);
    const claimed = rows[0];
    if (!claimed) return;
    const ticket = parseChatTicketId(claimed.ticket_id);
    const [row, ws] = await Promise.all([
      repo.findById(deps.db, tenantId, verificationId),
      findWorkspaceByTenant(deps.db, deps.keyring, tenantId),
    ]);
    if (!row || !ws || !ticket) return;
    const message = renderVerification(toView(row), ticket.userId, claimed.ticket_id);
    try {
      await createSlackClient(ws.botToken, deps.client).chat.update({
        channel: claimed.channel,
        ts: claimed.message_ts,
        text: message.text,
        blocks: message.blocks,
      });
    } catch (err) {
      deps.logger.warn(
        { kind: asHelpdeskError(err, 'chat.update').kind, verification: verificationId.slice(0, 8) },
        'slack message not updated',
      );
    }
  }

  /** Renders the verification's current state if it has a chat message and nobody rendered this state yet. */
  function render(tenantId: string, verificationId: string): Promise<void> {
    const k = `${tenantId}\u0000${verificationId}`;
    const next = (chains.get(k) ?? Promise.resolve()).then(() =>
      renderNow(tenantId, verificationId).catch((err: unknown) => {
        deps.logger.warn({ kind: (err as { code?: unknown }).code ?? 'internal' }, 'slack message render failed');
      }),
    );
    chains.set(k, next);
    void next.then(() => {
      if (chains.get(k) === next) chains.delete(k);
    });
    return next;
  }

  return { render };
}

export type SlackLive = ReturnType<typeof createSlackLive>;
