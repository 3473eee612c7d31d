import { describe, expect, it } from 'vitest';
import { findSecrets } from '../modules/desk-events/comment-redaction';
import { markZendeskHtml, redactAdf } from './comment-redaction';

const CARD = '4242 4242 4242 4242';

describe('redaction helpers', () => {
  it('wraps each finding in <redact> inside the runs of text of Zendesk html, leaving the markup as it was', () => {
    const html = `<div class="zd-comment"><p>card ${CARD}</p><p>IBAN <b>DE89 3704 0044 0532 0130 00</b> ok</p></div>`;
    expect(markZendeskHtml(html, findSecrets)).toBe(
      `<div class="zd-comment"><p>card <redact>${CARD}</redact></p><p>IBAN <b><redact>DE89 3704 0044 0532 0130 00</redact></b> ok</p></div>`,
    );
    expect(markZendeskHtml('<p>nothing here, order 12345</p>', findSecrets)).toBeUndefined();
    // Already redacted text (Zendesk's ▇) has nothing left to find: a retry writes nothing.
    expect(markZendeskHtml(`<p>card ${'\u2587'.repeat(19)}</p>`, findSecrets)).toBeUndefined();
  });

  it('replaces findings in ADF text nodes with the masked placeholder and keeps every other node', () => {
    const doc = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: `pay with ${CARD}`, marks: [{ type: 'strong' }] }] },
        { type: 'rule' },
      ],
    };
    expect(redactAdf(doc, findSecrets)).toEqual({
      ...doc,
      content: [
        {
          type: 'paragraph',
          content: [{ type: 'text', text: 'pay with [Redacted by Vouchsafe: •••• 4242]', marks: [{ type: 'strong' }] }],
        },
        { type: 'rule' },
      ],
    });
    expect(redactAdf({ type: 'doc', version: 1, content: [] }, findSecrets)).toBeUndefined();
  });
});
