import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, defangLinks } from '../modules/notes/note-text';
import { escapeJiraNoteText } from './jira/jira.connector';
import { escapeServiceNowNoteText } from './servicenow/servicenow.connector';
import { escapeZendeskNoteText } from './zendesk/zendesk.connector';
import { ACTIVE_MARKUP, HOSTILE_NAMES, LINK_LIKE } from '../../test/note-markup';

const ESCAPERS = { zendesk: escapeZendeskNoteText, servicenow: escapeServiceNowNoteText, jira: escapeJiraNoteText };

describe('outside text in notes is inert in every desk', () => {
  it('defangs link-looking text', () => {
    expect(defangLinks('go to https://evil.example/x or www.evil.example')).toBe('go to https[:]//evil.example/x or www[.]evil.example');
    expect(defangLinks('Jane Doe (sales)')).toBe('Jane Doe (sales)');
  });

  it.each(Object.keys(ESCAPERS) as (keyof typeof ESCAPERS)[])('%s', (desk) => {
    for (const name of HOSTILE_NAMES) {
      const out = ESCAPERS[desk](cleanText(name, 200));
      expect(ACTIVE_MARKUP[desk](out), `${desk}: ${out}`).toBeUndefined();
      expect(out).not.toMatch(LINK_LIKE);
    }
  });

  it('reads naturally: exactly what each desk gets for a hostile link', () => {
    const text = cleanText('[click|https://evil.example/x]', 200);
    expect(escapeJiraNoteText(text)).toBe('\\[click\\|https\\[:\\]//evil.example/x\\]');
    expect(escapeServiceNowNoteText(cleanText('[code]<b>x</b>[/code]'))).toBe('［code］<b>x</b>［/code］');
    expect(escapeZendeskNoteText(cleanText('[x](https://evil.example)'))).toBe('\\[x\\]\\(https\\[:\\]//evil.example\\)');
    expect(escapeZendeskNoteText('<script>')).toBe('‹script›');
    expect(escapeJiraNoteText('a\\\\b')).toBe('a⧵⧵b');
    // Ordinary names pass unchanged.
    for (const escape of Object.values(ESCAPERS)) expect(escape(cleanText("Jane O'Neil"))).toBe("Jane O'Neil");
  });

  it('holds for any text (property)', () => {
    const unit = fc.oneof(
      fc.constantFrom(...'[](){}!|*_+^~?#-\\`<>:/.w'.split(''), 'www.', 'http://', '[code]'),
      fc.string({ maxLength: 2 }),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (raw) => {
        const text = cleanText(raw, 400);
        expect(text).not.toMatch(LINK_LIKE);
        for (const desk of Object.keys(ESCAPERS) as (keyof typeof ESCAPERS)[]) {
          const out = ESCAPERS[desk](text);
          expect(ACTIVE_MARKUP[desk](out), `${desk}: ${JSON.stringify(out)}`).toBeUndefined();
        }
      }),
      { numRuns: 2000 },
    );
  });
});
