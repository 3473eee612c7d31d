/**
 * What `npm start` prints last in local mode, once everything is ready: where to click, where the
 * customer's phone is, how to try the CLI. Short, so it is still on screen when the logs stop.
 */
export function readyBanner(deskUrl: string, apiUrl: string): string {
  const rule = '─'.repeat(72);
  return [
    '',
    rule,
    ' Vouchsafe demo is ready',
    `   Help desks  ${deskUrl}/`,
    '               Zendesk, ServiceNow and Jira with seeded tickets: open a ticket, use the sidebar',
    `   Phone       ${deskUrl}/phone`,
    "               the customers' phone: approve or deny pushes, read codes, open links",
    '   CLI         npm run vouchsafe -- help',
    `               printf '%s' "$SECRET" | npm run --silent vouchsafe -- secret create --ttl 1h`,
    `   API         ${apiUrl}/  (where recipients' links open)`,
    ' Ctrl-C stops everything. Routine sidebar polling is logged at debug (VOUCHSAFE_LOG_LEVEL=debug shows it).',
    rule,
    '',
  ].join('\n');
}
