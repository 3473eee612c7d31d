import { describe, expect, it } from 'vitest';
import { noteTextDigest } from './note-digest';

describe('noteTextDigest', () => {
  const text = 'Vouchsafe: secret sent by Jane D.\nReceipt: 0b7e0c1e-4f51-4a51-9b0c-2f4e3c1d2a10';

  it('ignores line-ending style and trailing white space', () => {
    const d = noteTextDigest(text);
    expect(noteTextDigest(text.replace('\n', '\r\n'))).toEqual(d);
    expect(noteTextDigest(`${text}\n`)).toEqual(d);
    expect(noteTextDigest(text.replace('\n', '  \n'))).toEqual(d);
  });

  it('sees any visible change', () => {
    const d = noteTextDigest(text);
    expect(noteTextDigest(text.replace('Jane', 'Jana'))).not.toEqual(d);
    expect(noteTextDigest(text.replace('sent', '▇▇▇▇'))).not.toEqual(d);
    expect(noteTextDigest(` ${text}`)).not.toEqual(d);
    expect(noteTextDigest(text.replace('\n', '\n\n'))).not.toEqual(d);
  });
});
