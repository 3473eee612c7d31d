import { describe, expect, it } from 'vitest';
import { checkDraft, factsKey, splitDraft, summarise } from './draft-check';

const CARD = '4111 1111 1111 1111';
const LINK = 'https://vouchsafe.example/t/acme/s/AbCdEfGhIjKlMnOpQrStUv#Zx8_QpL-0aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789';
const LINK_SENTENCE = `Here is a one-time link (expires 4 Dec 2026, 20:00): ${LINK}`;

describe('checkDraft', () => {
  it('finds a card in a reply and shows only kind, count and masked previews', () => {
    const check = checkDraft(`Hi Rita,\nyour card number is ${CARD}.\nBest, Jane`);
    expect(check.summary).toEqual([{ kind: 'card', label: 'card number', count: 1, previews: [expect.stringMatching(/1111$/)] }]);
    expect(check.facts).toEqual([{ kind: 'card', tail: '1111', country: null }]);
    expect(JSON.stringify(check.summary)).not.toContain('4111 1111');
  });

  it('finds nothing in an ordinary reply, nor in the link sentence the sidebar puts in its place', () => {
    expect(checkDraft('Hi Rita, your order 1234-5678 ships tomorrow.').findings).toEqual([]);
    expect(checkDraft(`Hi Rita,\n${LINK_SENTENCE}\nBest, Jane`).findings).toEqual([]);
  });

  it('counts repeats per kind', () => {
    const summary = summarise(checkDraft(`card ${CARD}\nand again card ${CARD}\npassword: Xk7#pq9!z`).findings);
    expect(summary.map((s) => [s.kind, s.count])).toEqual([
      ['card', 2],
      ['password', 1],
    ]);
  });
  it('does not hold a reply for its own secret link, even when the id spells "secret" (the key is random text)', () => {
    const link = 'https://vault.example/t/acme/s/secret0000000000000000#cbgSC4rText5kkgk61rLbEujSruoq0GLDsh36A-NpvU';
    expect(checkDraft(`Here is a one-time link (expires 26 Nov 2026, 16:20 UTC): ${link}`).findings).toEqual([]);
    // The same high-entropy text outside a secret link is still found.
    expect(checkDraft('client secret: cbgSC4rText5kkgk61rLbEujSruoq0GLDsh36A-NpvU').findings).toHaveLength(1);
  });
});

describe('splitDraft', () => {
  it('moves only the lines with findings into the secret and puts the link where the first one was', () => {
    const text = `Hi Rita,\n\nYour card: ${CARD}\nYour temporary password: Xk7#pq9!z\n\nBest, Jane`;
    const split = splitDraft(text, checkDraft(text).findings);
    expect(split.secretText).toBe(`Your card: ${CARD}\nYour temporary password: Xk7#pq9!z`);
    const reply = split.replyWith(LINK_SENTENCE);
    expect(reply).toBe(`Hi Rita,\n\n${LINK_SENTENCE}\n\nBest, Jane`);
    // The reply that results has nothing left to hold: the second save goes through.
    expect(checkDraft(reply).findings).toEqual([]);
  });

  it('takes every line of a finding that spans lines (a private key)', () => {
    const key = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    const text = `Here is the key:\n${key}\nThanks`;
    const split = splitDraft(text, checkDraft(text).findings);
    expect(split.secretText).toBe(key);
    expect(split.replyWith('[link]')).toBe('Here is the key:\n[link]\nThanks');
  });

  it('a one-line reply moves whole (CRLF endings are kept in the reply, dropped in the secret)', () => {
    const text = `Card ${CARD}\r\nThanks`;
    const split = splitDraft(text, checkDraft(text).findings);
    expect(split.secretText).toBe(`Card ${CARD}`);
    expect(split.replyWith('[link]')).toBe('[link]\nThanks');
  });
});

describe('factsKey', () => {
  it('is the same for the same findings in other words, and differs when a finding changes', () => {
    const a = checkDraft(`card ${CARD}`).facts;
    const b = checkDraft(`Karte: ${CARD} bitte`).facts;
    const c = checkDraft('card 5555 5555 5555 4444').facts;
    expect(factsKey(a)).toBe(factsKey(b));
    expect(factsKey(a)).not.toBe(factsKey(c));
  });
});
