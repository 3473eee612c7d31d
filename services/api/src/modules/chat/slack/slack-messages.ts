import { VERIFICATION_METHOD_LABELS, type Verification } from '@vouchsafe/contracts';
import { escapeSlackText } from './slack.connector';

/**
 * The live message in the thread (Block Kit `section` + plain-text fallback), rendered from the verification's view
 * (toView: masked labels, no provider state). Times use Slack's `<!date^…>` formatting so each reader sees their own
 * time zone. Denied says "possible fraud" in words, as the sidebar does.
 */
export interface SlackMessage {
  text: string;
  blocks: { type: 'section'; text: { type: 'mrkdwn'; text: string } }[];
}

const at = (iso: string, fallback: string) => `<!date^${Math.floor(Date.parse(iso) / 1000)}^{time}|${fallback}>`;

export function renderVerification(v: Verification, targetUserId: string): SlackMessage {
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
  const receipt = v.receipt ? `\nReceipt ${v.receipt}` : '';
  const text = `${line}${receipt}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
