import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VERIFICATION_METHODS, VERIFICATION_METHOD_LABELS } from './verification';

const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../README.md');

/** The README's "Verification methods" table as [label, policy value] pairs. */
function readmeMethods(): [string, string][] {
  const text = readFileSync(README, 'utf8');
  const section = text.split('### Verification methods')[1]?.split('\n#')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => /^\| [^-|]/.test(line) && line.includes('`'))
    .map((line) => {
      const cells = line.split('|').map((c) => c.trim());
      return [cells[1] ?? '', (cells[2] ?? '').replace(/`/g, '')];
    });
}

describe('method names (issue 16): one name per method, the README uses the same', () => {
  it('the README table lists every method once, under its contracts label', () => {
    expect(readmeMethods()).toEqual(VERIFICATION_METHODS.map((m) => [VERIFICATION_METHOD_LABELS[m], m]));
  });

  it('labels are distinct and say what the agent starts (no bare vendor name)', () => {
    const labels = Object.values(VERIFICATION_METHOD_LABELS);
    expect(new Set(labels).size).toBe(labels.length);
    for (const label of labels) expect(label).toMatch(/push|link|code/i);
  });
});
