import {
  END_REASON_LABELS,
  LIMITS,
  PASSPHRASE_MIN_CHARS,
  SECRET_INPUT_MESSAGES,
  VERIFICATION_METHOD_LABELS,
  formatBytes,
} from '@vouchsafe/contracts';

/**
 * Every sentence the agent can see in the sidebar, in one place so the component specs and the
 * e2e suites assert on the same text the sidebar renders. No sentence here ever contains a link,
 * secret content, key or passphrase.
 */

export const messages = {
  loading: 'Loading Vouchsafe…',
  hostNotReady: (deskName: string): string => `${deskName} did not finish loading this app. Reload the ticket.`,
  sessionRejected: 'This sidebar session could not be verified. Reopen the ticket to start a new one.',
  unreachable: 'Vouchsafe cannot be reached right now. Check your connection and try again.',
  retry: 'Retry',

  ticketContext: 'This ticket',
  ticketLabel: 'Ticket',
  requesterLabel: 'Requester',
  agentLabel: 'Agent',

  sendHeading: 'Send secret',
  sendFormName: 'Send a secret',
  kindLegend: 'What to send',
  kindText: 'Text',
  kindFile: 'File',
  textLabel: 'Secret text',
  textHint: `Up to ${formatBytes(LIMITS.textBytes, 0)}. Only the recipient can read it, through the link.`,
  textMissing: SECRET_INPUT_MESSAGES.textMissing,
  fileLabel: 'File to send',
  fileHint: `Up to ${formatBytes(LIMITS.fileBytesDefault, 0)}.`,
  fileChoose: 'Choose file…',
  fileChooseOther: 'Choose another file…',
  fileMissing: 'Choose a file to send.',
  fileUnreadable: 'This file could not be read. Choose it again.',
  fileChosen: (name: string, size: string): string => `${name} (${size})`,
  expiryLabel: 'Expires after',
  expiryCustom: 'Custom…',
  expiryCustomAmount: 'Expires in',
  expiryCustomUnit: 'Unit',
  expiryCustomHint: 'From 5 minutes to 30 days.',
  expiryCustomInvalid: 'Enter a whole number, for example 3 days or 90 minutes.',
  expiryUnits: { minutes: 'minutes', hours: 'hours', days: 'days' },
  viewsLabel: 'Views allowed',
  viewsHint: 'How many times the link can be opened, 1 to 10.',
  viewsInvalid: 'Enter a whole number of views from 1 to 10.',
  passphraseLabel: 'Passphrase (optional)',
  passphraseHint: `At least ${PASSPHRASE_MIN_CHARS} characters. The recipient will need it to open the secret. Share it another way, for example by phone, never in this ticket.`,
  passphraseTooShort: SECRET_INPUT_MESSAGES.passphraseTooShort,
  sendButton: 'Send secret',
  sending: 'Encrypting and sending…',

  insertedIntoReply: 'Link added to your reply draft',
  copyIntoReply: 'Copy the link into your reply',
  insertFailed: 'The link could not be added to your reply draft. Copy the link into your reply',
  linkLabel: 'Secret link',
  copyButton: 'Copy link',
  copied: 'Link copied',
  copyLinkName: (fingerprint: string): string => `Copy the link of secret ${fingerprint}`,
  linksInMemory:
    'Copy link works until the secret is opened, revoked or expires, and only in this sidebar: the link is kept in its memory, never stored, and a reload forgets it.',
  copyFailed: 'Could not copy. The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.',
  dismissConfirmation: 'Done',
  phraseLabel: 'Link phrase',
  phraseHint: 'If the customer asks, read these words out: their page shows the same ones. Never ask them to read it to you.',
  sentSummary: (fingerprint: string, expiry: string, views: number): string =>
    `Fingerprint ${fingerprint} · expires ${expiry} · ${viewsText(views)}`,
  replyText: (link: string, expiry: string, views: number, hasPassphrase: boolean, isVerifiedOnly = false): string =>
    [
      views === 1
        ? `Here is a one-time link (expires ${expiry}): ${link}`
        : `Here is a secure link you can open ${views} times (expires ${expiry}): ${link}`,
      hasPassphrase ? 'You will also need the passphrase, which I will send you separately.' : '',
      isVerifiedOnly ? 'Before it opens, you will be asked to sign in to confirm it is you.' : '',
    ]
      .filter(Boolean)
      .join('\n'),

  activityHeading: 'Activity',
  activityListName: 'Secrets sent from this ticket',
  activityLoading: 'Loading activity…',
  activityEmpty: 'No secrets have been sent from this ticket yet.',
  activityStale: 'Activity could not be refreshed. Vouchsafe will keep trying.',
  status: { waiting: 'Waiting', viewed: 'Viewed', expired: 'Expired', revoked: 'Revoked' },
  kind: { text: 'Text', file: 'File' },
  fingerprint: (fingerprint: string): string => `Fingerprint ${fingerprint}`,
  viewsUsed: (used: number, total: number): string => `${used} of ${total} ${total === 1 ? 'view' : 'views'} used`,
  expires: (expiry: string): string => `Expires ${expiry}`,
  expired: (expiry: string): string => `Expired ${expiry}`,
  sentBy: (agent: string): string => `Sent by ${agent}`,
  notePending: 'Note pending: the internal note is on its way to this ticket.',
  noteFailed: 'Note failed: the internal note could not be added to this ticket.',
  revokeButton: 'Revoke',
  revokeName: (fingerprint: string): string => `Revoke secret ${fingerprint}`,
  revokeQuestion: 'Revoke this secret? Its link stops working at once.',
  revokeConfirm: 'Yes, revoke',
  revokeCancel: 'Cancel',
  revoked: (fingerprint: string): string => `Secret ${fingerprint} revoked.`,
  statusChanged: (fingerprint: string, status: string): string => `Secret ${fingerprint}: ${status.toLowerCase()}.`,

  errorTitle: 'That did not work',
  dismissError: 'Dismiss',

  verifyOnlyRequester: "Only the ticket's requester may open (they verify first)",
  verifyOnlyRequesterHint: 'The recipient signs in with your identity provider before the secret is shown.',

  verify: {
    heading: 'Verify caller',
    loading: 'Loading verification…',
    loadFailed: 'Verification status could not be loaded.',
    methodLegend: 'Verification method',
    fallbackName: (label: string): string => `${label} (fallback)`,
    noMethods: 'No verification method is available for this caller.',
    start: 'Start verification',
    starting: 'Starting…',
    verifyAgain: 'Verify again',
    /** Issue 16: one name per method everywhere (contracts VERIFICATION_METHOD_LABELS; the README is tested against it). */
    methodNames: VERIFICATION_METHOD_LABELS,
    /** Progress: started and waiting. */
    started: (method: string): string => `Contacting ${method}…`,
    readNumber: (number: string, method: string): string => `Ask the caller to choose ${number} in ${method}`,
    readCode: (code: string): string => `Ask the caller to enter ${code} in the Duo push`,
    waitingPush: (method: string): string => `Waiting for the caller to approve the push in ${method}.`,
    linkSent: (sentTo: string): string => `A link was sent to ${sentTo}`,
    linkHint: 'The caller opens it and signs in; the result appears here.',
    codeSent: (channel: 'sms' | 'voice', sentTo: string): string =>
      channel === 'sms' ? `A code was sent by text message to ${sentTo}.` : `A code is being read out by phone to ${sentTo}.`,
    /** Where the number on record came from (the agent should know a desk number was trusted). */
    codeSource: (source: 'idp' | 'desk'): string =>
      source === 'idp'
        ? "The number is the one in the identity provider's profile."
        : "The number is the help desk's (allowed by policy; unchanged recently).",
    codeLabel: 'Code the caller reads back',
    codeHint: 'Only the code the caller reads from their phone, never one they were told.',
    codeInvalid: 'Type the 4 to 10 digits the caller reads back.',
    codeSubmit: 'Check code',
    attemptsLeft: (n: number): string => `${n} ${n === 1 ? 'attempt' : 'attempts'} left`,
    timesOutIn: (time: string): string => `Times out in ${time}`,
    cancel: 'End verification',
    /** Issue 16: why the agent ends it early (contracts END_REASON_LABELS); none chosen = no reason given. */
    endReasonLabel: 'Why are you ending it?',
    endReasonNone: 'No reason given',
    endReasons: END_REASON_LABELS,
    /** Results. */
    verifiedBadge: 'Verified',
    verifiedBy: (method: string, time: string): string => `Verified by ${method} · valid for ${time}`,
    verifiedExpired: 'The verification has expired. Verify again if you still need to.',
    denied: "Denied on the customer's phone — possible fraud",
    deniedNoFraud: 'The caller denied the request.',
    /** Issue 16: exactly what the IdP reported. */
    deniedDetail: {
      customer_denied: "Denied on the customer's phone — possible fraud",
      reported_fraud: 'The customer reported this request as fraud — treat this call as fraud',
      rejected_unspecified: 'Okta reported the push as rejected (a denial or a wrong number: Okta does not say) — possible fraud',
    },
    timedOut: 'The caller did not answer in time.',
    failed: (reason: string | null): string => (reason ? `Verification failed: ${reason}` : 'Verification failed.'),
    cancelled: 'Verification cancelled.',
    ended: (reason: string): string => `Verification ended: ${reason.toLowerCase()}.`,
    /** Issue 16: the ticket's fraud flag, until a supervisor acknowledges it. */
    fraudFlagTitle: 'Fraud flag on this ticket',
    fraudFlagReported: 'The customer reported a verification request as fraud.',
    fraudFlagPossible: 'A verification request was refused on the customer’s device: possible fraud.',
    fraudFlagRaised: (agent: string, method: string, time: string): string => `Raised on ${agent}’s ${method} verification at ${time}.`,
    fraudFlagMore: (n: number): string => `${n} flags are open on this ticket.`,
    fraudFlagStays: 'It stays until a supervisor acknowledges it.',
    fraudFlagAckLabel: 'Why it is safe to acknowledge',
    fraudFlagAckHint: 'Goes into the ticket note and the audit trail.',
    fraudFlagAckInvalid: 'Say why (at least 10 characters).',
    fraudFlagAck: 'Acknowledge fraud flag',
    fraudFlagAcknowledged: 'Fraud flag acknowledged.',
    fraudFlagNotYours: 'A flag was raised on your own verification, so another supervisor must acknowledge it.',
    idpRef: (ref: string): string => `IdP reference ${ref}`,
    receipt: (receipt: string): string => `Receipt ${receipt}`,
    rateLimited: (wait: string | undefined): string =>
      wait
        ? `Too many verification requests for this customer. Try again in ${wait}, or choose another method.`
        : 'Too many verification requests for this customer. Try again later, or choose another method.',
    /** Override. */
    overrideRequest: 'Request supervisor override',
    overrideFormName: 'Supervisor override request',
    overrideReasonLabel: 'Reason for the override',
    overrideReasonHint: 'A supervisor reads this before approving. It goes into the ticket note.',
    overrideReasonInvalid: 'Say why (at least 10 characters).',
    overrideSend: 'Send request',
    overrideCancel: 'Cancel',
    overrideWaiting: 'Waiting for a supervisor to approve the override.',
    overrideBannerTitle: 'Not verified — supervisor override',
    overrideBanner: (requestedBy: string, approvedBy: string, time: string | undefined): string =>
      `Requested by ${requestedBy}, approved by ${approvedBy}.${time ? ` Counts for ${time}.` : ''} The caller's identity was NOT proven.`,
    overrideReason: (reason: string): string => `Reason: ${reason}`,
    pendingHeading: 'Overrides waiting for your approval',
    pendingItem: (agent: string, method: string, state: string): string => `${agent} asks to override a ${state} ${method} verification`,
    approve: 'Approve override',
    approveName: (agent: string): string => `Approve override requested by ${agent}`,
    approved: (agent: string): string => `Override for ${agent} approved.`,
    /** Issue 16: confirmation, decline, queue. */
    approveReview: 'Review and approve…',
    approveReviewName: (agent: string): string => `Review the override requested by ${agent} before approving`,
    confirmHeading: 'Approve this override?',
    confirmIntro: 'The caller was NOT verified. Approving lets the agent proceed anyway, and the ticket note names you.',
    confirmAgent: 'Agent',
    confirmTicket: 'Ticket',
    thisTicket: 'This ticket',
    confirmRequester: 'Requester on record',
    confirmMethod: 'Last attempt',
    confirmReason: "Agent's reason",
    confirmFraud: '⚠ Possible fraud: the customer denied the push. Approve only if you are sure who is on the line.',
    confirmApprove: 'Confirm approval',
    confirmBack: 'Back',
    decline: 'Decline…',
    declineName: (agent: string): string => `Decline the override requested by ${agent}`,
    declineFormName: 'Decline the override',
    declineReasonLabel: 'Why are you declining?',
    declineReasonHint: 'The requesting agent sees this, and it goes into the ticket note.',
    declineReasonInvalid: 'Say why (at least 5 characters).',
    declineSend: 'Decline override',
    declined: (agent: string): string => `Override for ${agent} declined.`,
    overrideDeclined: (by: string, reason: string): string => `Override declined by ${by}: ${reason}`,
    queueHeading: (n: number): string => `Waiting for a supervisor (${n})`,
    queueEmpty: 'No override requests are waiting.',
    queueItem: (ticket: string, agent: string, method: string, state: string): string =>
      `Ticket ${ticket}: ${agent} asks to override a ${state} ${method} verification`,
    queueFraud: '⚠ Possible fraud',
    queueOpenHint: 'Open the ticket to review and decide.',
    queueRefresh: 'Refresh',
    queueNotified: 'A new override request is waiting for a supervisor.',
    stateWords: {
      started: 'started',
      waiting: 'waiting',
      verified: 'verified',
      denied: 'denied',
      timed_out: 'timed out',
      failed: 'failed',
      cancelled: 'cancelled',
      overridden: 'overridden',
    },
  },
} as const;

export function viewsText(views: number): string {
  return `${views} ${views === 1 ? 'view' : 'views'}`;
}
