import { createHmac } from 'node:crypto';
import { PHRASE_WORDS } from './wordlist';

/**
 * The link phrase (NOTES.md): three words chosen by HMAC-SHA256(the tenant's `link-phrase` key, tenant + link id).
 * Only this server holds the key (sealed under the keyring, re-wrapped by rotation), so a look-alike site cannot
 * compute the phrase of any link; 3 × 8 bits: a guess matches with probability 1 in 16.7 million.
 */
export function linkPhrase(key: Buffer, tenantId: string, secretId: string): string {
  const mac = createHmac('sha256', key).update(`vouchsafe:link-phrase:v1:${tenantId}:${secretId}`).digest();
  return [mac[0]!, mac[1]!, mac[2]!].map((b) => PHRASE_WORDS[b]!).join(' ');
}

/**
 * The first name a customer may see: the first word of the agent's desk name when it is a name (letters, an
 * apostrophe or hyphen), at most 30 characters; nothing for the `Agent <id>` fallback or a masked identifier.
 */
export function agentFirstName(agentLabel: string): string | null {
  if (/^Agent\b/.test(agentLabel)) return null;
  const first = agentLabel.trim().split(/\s+/)[0] ?? '';
  return /^\p{L}[\p{L}\p{M}'’-]{0,29}$/u.test(first) ? first : null;
}
