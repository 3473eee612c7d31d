/** Issue 12: the sidebar's sentences for a reply held before it is sent. Agent-facing, English like the rest. */
export const draftMessages = {
  /** What Zendesk shows when the save hook cancels the save (keep it short: a desk notification). */
  saveHeld: 'Vouchsafe held this reply: it contains sensitive data. See the Vouchsafe sidebar.',
  heading: 'Held before sending',
  intro: 'This reply contains:',
  finding: (label: string, count: number) => (count === 1 ? label : `${label} × ${count}`),
  moveToSecret: 'Send as a one-time secret instead',
  moveHint: 'The lines with these values go into a one-time link; the rest of the reply stays.',
  sendAnyway: 'Send anyway…',
  dismiss: 'Dismiss',
  reasonLabel: 'Why send it anyway?',
  reasonHint: 'Required. Recorded in the audit trail and in an internal note on the ticket.',
  reasonInvalid: 'Say why, in at least 5 characters.',
  reasonHasFinding: (what: string) => `The reason itself contains ${what}. Say why without it.`,
  recordAndAllow: 'Record and allow',
  cancel: 'Cancel',
  moved: 'Moved into a one-time secret. The reply now holds its link: submit it again.',
  movedNoInsert: 'The secret was created but the reply could not be changed. Copy the link into the reply and remove the sensitive lines.',
  nothingLeft: 'The reply no longer contains anything sensitive: submit it again.',
  allowed: 'Recorded. Submit the reply again to send it as it is.',
  failed: 'Could not check this reply before sending. Check it yourself; Vouchsafe also scans saved replies.',
  // The "check before you send" box for desks without a save hook.
  checkHeading: 'Check text before you send',
  checkHint: 'Paste your reply. It is checked here in your browser and never sent for the check.',
  checkLabel: 'Reply text',
  check: 'Check',
  checkClean: 'Nothing sensitive found.',
  checkNoHook: (desk: string) =>
    `${desk} lets apps neither read nor hold the reply before it is sent, so Vouchsafe cannot check it for you there.`,
  checkResult: 'Reply to send (the sensitive lines replaced by the link):',
} as const;
