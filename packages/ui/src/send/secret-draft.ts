import { LIMITS, type CreateTicketSecretRequest } from '@vouchsafe/contracts';
import { sealSecret, toBase64Url, type SecretPayload } from '@vouchsafe/crypto';

/** What the agent filled in. Lives only in the sidebar's memory until it is sealed. */
export interface SecretDraft {
  payload: SecretPayload;
  ttlSeconds: number;
  views: number;
  passphrase: string;
  /** Only the ticket's requester may open it; they verify with the tenant's link method first. */
  requiresVerification?: boolean;
}

export type DraftProblem = 'textMissing' | 'textTooLarge' | 'fileMissing' | 'fileTooLarge' | 'viewsInvalid';

const utf8 = new TextEncoder();

export const textBytes = (text: string): number => utf8.encode(text).length;

export function textProblem(text: string): DraftProblem | undefined {
  if (text === '') return 'textMissing';
  return textBytes(text) > LIMITS.textBytes ? 'textTooLarge' : undefined;
}

export function fileProblem(size: number | undefined): DraftProblem | undefined {
  if (size === undefined) return 'fileMissing';
  return size > LIMITS.fileBytesDefault ? 'fileTooLarge' : undefined;
}

export function viewsProblem(views: string): DraftProblem | undefined {
  const n = Number(views);
  return /^\d+$/.test(views.trim()) && n >= LIMITS.viewsMin && n <= LIMITS.viewsMax ? undefined : 'viewsInvalid';
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
