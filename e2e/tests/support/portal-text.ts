/**
 * What the portal says, copied from apps/portal/src/messages.ts (lint forbids importing apps/ here).
 * Only the sentences the e2e suite asserts on; if the portal rewords one, update it here too.
 */
export const HEADINGS = {
  readyText: 'A secret is waiting for you',
  readyFile: 'A file is waiting for you',
  revealedText: 'Your secret',
  revealedFile: 'Your file',
  gone: 'This secret is no longer available',
  incomplete: 'This link is incomplete',
  wrongKey: 'This link does not match the secret',
  withdrawn: 'This secret was withdrawn',
} as const;

/** Issue 12: why a secret was withdrawn with its ticket (WITHDRAWN_MESSAGES in the portal). */
export const WITHDRAWN_MESSAGES = {
  ticket_closed:
    'This secret was withdrawn because the support ticket it was sent for was closed. Nothing can be opened any more. If you still need it, ask the sender for a new link.',
} as const;

export const MESSAGES = {
  gone: 'This secret has expired, was already viewed, or was revoked. Ask the sender for a new link.',
  incomplete: 'Part of the link is missing. Open the complete link from the message you received, or ask the sender for a new link.',
  wrongKey:
    'The key in this link does not match the secret, so nothing was revealed. Check that you opened the complete link, or ask the sender for a new link.',
  deleted: 'This secret has now been deleted from Vouchsafe. Save it somewhere safe before you close this page.',
  passphraseMissing: 'Enter the passphrase the sender gave you.',
  passphraseWrong: 'That passphrase is not correct. Nothing was revealed; check it and try again.',
  copied: 'Copied',
  deletedOnReveal: 'It will be deleted as soon as you reveal it.',
  usesOneView: 'Each reveal uses up one view; after the last one it is deleted.',
} as const;

export const viewsRemainMessage = (viewsLeft: number): string =>
  `${viewsLeft} ${viewsLeft === 1 ? 'view' : 'views'} left. Save it somewhere safe before you close this page.`;
