import { createHash } from 'node:crypto';

/**
 * The fingerprint of a note's text that receipts compare (issue 9): SHA-256 of the text with line endings made `\n`
 * and trailing white space of each line and of the whole removed. Desks store and answer the body they were sent,
 * but a desk may turn `\n` into `\r\n` or drop a trailing newline (UNCONFIRMED for each desk); neither is an edit a
 * reviewer cares about, while any change of a visible character is. Only this digest is kept, never the text.
 */
export function noteTextDigest(text: string): Buffer {
  const normal = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n+$/, '');
  return createHash('sha256').update(normal, 'utf8').digest();
}
