import {
  LIMITS,
  passphraseProblem,
  secretFileProblem,
  secretTextProblem,
  ttlProblem,
  type CreateTicketSecretRequest,
} from '@vouchsafe/contracts';
import { sealSecret, toBase64Url, type SecretPayload } from '@vouchsafe/crypto';
import { messages } from '../messages';

/** What the agent filled in. Lives only in the sidebar's memory until it is sealed. */
export interface SecretDraft {
  payload: SecretPayload;
  ttlSeconds: number;
  views: number;
  passphrase: string;
  /** Only the ticket's requester may open it; they verify with the tenant's link method first. */
  requiresVerification?: boolean;
}

/*
 * Each check answers the sentence to show, or undefined. The rules are the contracts' (the API only
 * sees ciphertext, so the sender's side is where blank text, sizes and passphrases can be checked).
 */

export const textProblem = (text: string): string | undefined => secretTextProblem(text);

export function fileProblem(size: number | undefined): string | undefined {
  return size === undefined ? messages.fileMissing : secretFileProblem(size);
}

export function viewsProblem(views: string): string | undefined {
  const n = Number(views);
  return /^\d+$/.test(views.trim()) && n >= LIMITS.viewsMin && n <= LIMITS.viewsMax ? undefined : messages.viewsInvalid;
}

export { passphraseProblem, ttlProblem };

/** Units of the custom expiry, in seconds. */
export const EXPIRY_UNITS = { minutes: 60, hours: 3600, days: 86_400 } as const;
export type ExpiryUnit = keyof typeof EXPIRY_UNITS;

/** A custom expiry typed as a number and a unit: seconds, or the sentence that says why not. */
export function customExpiry(amount: string, unit: ExpiryUnit): { seconds: number } | { problem: string } {
  if (!/^\d+$/.test(amount.trim())) return { problem: messages.expiryCustomInvalid };
  const seconds = Number(amount) * EXPIRY_UNITS[unit];
  const problem = ttlProblem(seconds);
  return problem === undefined ? { seconds } : { problem };
}

/**
 * Encrypts in the browser. The request holds only ciphertext and checks; the link key stays with
 * the caller (it goes into the link's fragment) and the passphrase is not kept at all.
 */
export async function sealDraft(draft: SecretDraft): Promise<{ request: CreateTicketSecretRequest; linkKey: Uint8Array }> {
  const sealed = await sealSecret(draft.payload, draft.passphrase === '' ? {} : { passphrase: draft.passphrase });
  const request: CreateTicketSecretRequest = {
    kind: draft.payload.kind,
    ciphertext: toBase64Url(sealed.ciphertext),
    keyCheck: toBase64Url(sealed.keyCheck),
    ttlSeconds: draft.ttlSeconds,
    views: draft.views,
  };
  if (sealed.passphraseSalt && sealed.passphraseCheck) {
    request.passphraseSalt = toBase64Url(sealed.passphraseSalt);
    request.passphraseCheck = toBase64Url(sealed.passphraseCheck);
  }
  if (draft.requiresVerification) request.requiresVerification = true;
  return { request, linkKey: sealed.linkKey };
}
