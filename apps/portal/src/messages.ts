/**
 * Every sentence the customer can see for a state, in one place so specs and the e2e suite
 * assert on the same text the page renders.
 */
export const HEADINGS = {
  loading: 'Opening your secret link',
  readyText: 'A secret is waiting for you',
  readyFile: 'A file is waiting for you',
  revealedText: 'Your secret',
  revealedFile: 'Your file',
  gone: 'This secret is no longer available',
  withdrawn: 'This secret was withdrawn',
  incomplete: 'This link is incomplete',
  wrongKey: 'This link does not match the secret',
  throttled: 'Too many attempts',
  unreachable: 'Vouchsafe could not be reached',
  decrypt: 'This secret could not be decrypted',
  unexpected: 'Something went wrong',
  verify: "Verify it's you",
  verifying: 'Taking you to sign in',
} as const;

export const MESSAGES = {
  loading: 'Loading the details of this secret.',
  gone: 'This secret has expired, was already viewed, or was revoked. Ask the sender for a new link.',
  incomplete: 'Part of the link is missing. Open the complete link from the message you received, or ask the sender for a new link.',
  wrongKey:
    'The key in this link does not match the secret, so nothing was revealed. Check that you opened the complete link, or ask the sender for a new link.',
  unreachable: 'Check your internet connection and try again.',
  decrypt:
    'The secret was released, but the key in this link does not match it, so it could not be decrypted. Ask the sender for a new link.',
  unexpected: 'Vouchsafe gave an answer this page did not expect. Try again later, or ask the sender for a new link.',
  deleted: 'This secret has now been deleted from Vouchsafe. Save it somewhere safe before you close this page.',
  revealing: 'Revealing the secret…',
  passphraseMissing: 'Enter the passphrase the sender gave you.',
  passphraseWrong: 'That passphrase is not correct. Nothing was revealed; check it and try again.',
  verifyIntro:
    'The sender asked that only the person this was sent to may open it. Sign in to confirm it is you; you will come back to this page.',
  verifying: 'Taking you to sign in…',
  verifyGrantRefused: 'Your sign-in was not accepted for this secret, or it has expired. Verify again to open it.',
  verifyNoMethod: 'This secret can only be opened after you verify, but no way to verify is set up. Ask the sender for help.',
  verifyUnexpected: 'Signing in could not be started. Try again, or ask the sender for a new link.',
  verifyUnreachable: 'Vouchsafe could not be reached. Check your internet connection and try again.',
  keyLost:
    'You came back from signing in, but this browser tab no longer holds the key to the secret. Open the complete link from your message again, in this browser.',
  copied: 'Copied',
  copyFailed: 'Could not copy. Select the text and copy it yourself.',
} as const;

/** Issue 12: why a secret sent from a help-desk ticket was withdrawn with its ticket. */
export const WITHDRAWN_MESSAGES = {
  ticket_closed:
    'This secret was withdrawn because the support ticket it was sent for was closed. Nothing can be opened any more. If you still need it, ask the sender for a new link.',
  ticket_deleted:
    'This secret was withdrawn because the support ticket it was sent for was deleted. Nothing can be opened any more. If you still need it, ask the sender for a new link.',
  ticket_merged:
    'This secret was withdrawn because the support ticket it was sent for was merged into another one. Nothing can be opened any more. If you still need it, ask the sender for a new link.',
} as const;

export function throttledMessage(retryAfterSeconds: number | undefined, waitText?: string, atText?: string): string {
  if (retryAfterSeconds === undefined || waitText === undefined) return 'Too many attempts. Wait a few minutes, then try again.';
  return `Too many attempts. Try again in ${waitText}${atText ? ` (at ${atText})` : ''}.`;
}

export function viewsRemainMessage(viewsLeft: number): string {
  return `${viewsLeft} ${viewsLeft === 1 ? 'view' : 'views'} left. Save it somewhere safe before you close this page.`;
}

/** The buttons of the verify screen, one per method the tenant allows for recipients. */
export const VERIFY_BUTTONS = {
  oidc: 'Sign in with your organisation account',
  duo_universal: 'Verify with Duo',
} as const;
