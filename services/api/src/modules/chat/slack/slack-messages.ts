import { VERIFICATION_METHOD_LABELS, type Verification } from '@vouchsafe/contracts';
import { escapeSlackText } from './slack.connector';

/**
 * The live message in the thread (Block Kit `section` + plain-text fallback), rendered from the verification's view
 * (toView: masked labels, no provider state). Times use Slack's `<!date^…>` formatting so each reader sees their own
 * time zone. Denied says "possible fraud" in words, as the sidebar does.
 */
type Block =
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | {
      type: 'actions';
      elements: {
        type: 'button';
        action_id: string;
        text: { type: 'plain_text'; text: string };
        value: string;
        style?: 'primary' | 'danger';
      }[];
    };

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Block action ids (buttons) and the reason modal's callback id. */
export const ACTIONS = {
  requestOverride: 'vouchsafe_override_request',
  approveOverride: 'vouchsafe_override_approve',
  declineOverride: 'vouchsafe_override_decline',
  reasonModal: 'vouchsafe_override_reason',
} as const;

/** What a button carries back (Slack holds the message; the service checks tenant, ticket and people anyway). */
export const buttonValue = (verificationId: string, ticketId: string) => `${verificationId}|${ticketId}`;
export function parseButtonValue(value: string): { verificationId: string; ticketId: string } | undefined {
  const [verificationId, ticketId, ...rest] = value.split('|');
  return verificationId && ticketId && rest.length === 0 && /^[0-9a-f-]{36}$/.test(verificationId)
    ? { verificationId, ticketId }
    : undefined;
}

const button = (action_id: string, text: string, value: string, style?: 'primary' | 'danger') => ({
  type: 'button' as const,
  action_id,
  text: { type: 'plain_text' as const, text },
  value,
  ...(style ? { style } : {}),
});

/** The request a supervisor decides on, posted in the thread with Approve / Decline. */
export function renderOverrideRequest(v: Verification, ticketId: string, targetUserId: string): SlackMessage {
  const text =
    `:rotating_light: ${escapeSlackText(v.override?.requestedBy ?? v.agentLabel)} asks a supervisor to override the failed verification of <@${targetUserId}>.` +
    `\nReason: ${escapeSlackText(v.override?.reason ?? '')}\nAn override is NOT a verification: approve only if you are sure.`;
  const value = buttonValue(v.id, ticketId);
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        elements: [button(ACTIONS.approveOverride, 'Approve override', value, 'danger'), button(ACTIONS.declineOverride, 'Decline', value)],
      },
    ],
  };
}

const OVERRIDABLE: readonly Verification['state'][] = ['denied', 'timed_out', 'failed', 'cancelled'];

const at = (iso: string, fallback: string) => `<!date^${Math.floor(Date.parse(iso) / 1000)}^{time}|${fallback}>`;

export function renderVerification(v: Verification, targetUserId: string, ticketId?: string): SlackMessage {
  const who = `<@${targetUserId}>`;
  const method = escapeSlackText(VERIFICATION_METHOD_LABELS[v.method]);
  const reason = v.reason ? ` ${escapeSlackText(v.reason)}` : '';
  let line: string;
  switch (v.state) {
    case 'started':
      line = `:hourglass_flowing_sand: Verifying ${who} with ${method}…`;
      break;
    case 'waiting': {
      const until = v.expiresAt ? ` (expires ${at(v.expiresAt, 'soon')})` : '';
      const b = v.binding;
      if (b?.kind === 'number_challenge')
        line = `:iphone: Ask ${who} to choose *${escapeSlackText(b.number)}* in ${method}. Waiting${until}…`;
      else if (b?.kind === 'verified_push')
        line = `:iphone: Ask ${who} to enter *${escapeSlackText(b.code)}* in the Duo push. Waiting${until}…`;
      else if (b?.kind === 'link') line = `:link: A one-time sign-in link was sent to ${who} by direct message. Waiting${until}…`;
      else line = `:hourglass_flowing_sand: Waiting for ${who} (${method})${until}…`;
      break;
    }
    case 'verified':
      line = `:white_check_mark: ${who} was verified by ${method}${v.validUntil ? `; valid until ${at(v.validUntil, 'later')}` : ''}.`;
      break;
    case 'denied':
      line = `:no_entry: ${who} DENIED the request (${method}): possible fraud. Do not go ahead; tell your security team.`;
      break;
    case 'timed_out':
      line = `:alarm_clock: Nobody answered in time (${method}); ${who} is NOT verified.`;
      break;
    case 'failed':
      line = `:x: The verification of ${who} failed.${reason}`;
      break;
    case 'cancelled':
      line = `:heavy_minus_sign: The verification of ${who} was cancelled.`;
      break;
    case 'overridden':
      line = `:warning: SUPERVISOR OVERRIDE: ${who} was NOT verified by the identity provider.`;
      break;
  }
  if (v.override && v.state !== 'overridden') {
    line +=
      v.override.state === 'declined'
        ? ` Override declined by ${escapeSlackText(v.override.declinedBy ?? 'a supervisor')}.`
        : ' Override requested.';
  }
  const receipt = v.receipt ? `\nReceipt ${v.receipt}` : '';
  const text = `${line}${receipt}`;
  const blocks: Block[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  // Not passed and no override asked yet: the agent may ask a supervisor (the service decides who may).
  if (ticketId && !v.override && OVERRIDABLE.includes(v.state)) {
    blocks.push({
      type: 'actions',
      elements: [button(ACTIONS.requestOverride, 'Ask a supervisor to override', buttonValue(v.id, ticketId))],
    });
  }
  return { text, blocks };
}
