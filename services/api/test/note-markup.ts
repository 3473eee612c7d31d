/**
 * Outside text that would be markup, a link, an image or HTML in one desk or another, and the checks a
 * reviewer would do by eye on a stored note. Shared by the escaper unit tests and the stand-in tests.
 */
export const HOSTILE_NAMES = [
  '[code]<img src=x onerror=alert(1)>[/code]',
  '[CoDe ]<b>x</b>[/code]',
  '{color:red}x{color}',
  '[click|https://evil.example/x]',
  '!https://evil.example/x.png!',
  '[x](https://evil.example)',
  '![pixel](https://evil.example/p.png)',
  '<script>alert(1)</script>',
  'see www.evil.example or HTTPS://evil.example',
  '{html}<b>x</b>{html} *bold* _it_ `code` \\\\break',
];

/** What each desk would render as active in a fragment of a stored note (undefined: nothing). */
export const ACTIVE_MARKUP: Record<'zendesk' | 'servicenow' | 'jira', (fragment: string) => string | undefined> = {
  // Markdown: an unescaped [ ] ( ) ! * _ ` or a raw < > (links, images, emphasis, code, HTML).
  zendesk: (s) => (/(^|[^\\])(\\\\)*[[\]()!*_`]/.test(s) ? 'unescaped Markdown' : /[<>]/.test(s) ? 'raw HTML' : undefined),
  // Journal fields: only [code]…[/code] is live, so no square bracket may remain.
  servicenow: (s) => (/[[\]]/.test(s) ? 'a square bracket ([code] tag)' : undefined),
  // Wiki markup: an unescaped [ ] { } ! | * _ + ^ ~ ? # -, or a backslash pair (forced line break).
  jira: (s) =>
    /(^|[^\\])[[\]{}!|*_+^~?#-]/.test(s.replace(/\\[[\]{}!|*_+^~?#-]/g, ''))
      ? 'unescaped wiki markup'
      : /\\\\/.test(s)
        ? 'a line break'
        : undefined,
};

/** Every desk: nothing an autolinker would pick up. */
export const LINK_LIKE = /[a-z0-9]:\/\/|\bwww\./i;
