import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GOALS, loadCorpus, scoreCorpus, unmetGoals } from '../bench/score';
import { buildCorpus, serialiseCorpus } from '../corpus/generate';

// The quality gate of issue 12, on the labelled corpus (the bench prints the same numbers).
describe('labelled corpus', () => {
  const lines = loadCorpus();
  const score = scoreCorpus(lines);

  it('is what corpus/generate.ts produces, has ≥ 500 lines and every language', () => {
    expect(readFileSync(new URL('../corpus/tickets.jsonl', import.meta.url), 'utf8')).toBe(serialiseCorpus(buildCorpus()));
    expect(lines.length).toBeGreaterThanOrEqual(500);
    expect(new Set(lines.map((l) => l.lang))).toEqual(new Set(['en', 'de', 'fr', 'es', 'nl', 'it', 'pt-BR', 'ja']));
  });

  it(`meets the goals: recall ≥ ${GOALS.recall.card} cards/IBANs, ≥ ${GOALS.recall.password} passwords; precision ≥ ${GOALS.overallPrecision}`, () => {
    expect(unmetGoals(score)).toEqual([]);
  });

  it('no finding carries more of its match than the preview allows (no 6-character window of a match)', () => {
    for (const { line, findings } of score.findings) {
      // `kind` is a member of a fixed union and cannot carry input text ("github_token" vs a "github_pat_" match).
      const serialised = JSON.stringify(findings.map(({ kind: _kind, ...rest }) => rest));
      for (const f of findings) {
        const match = line.text.slice(f.start, f.end);
        for (let i = 0; i + 6 <= match.length; i++) {
          if (serialised.includes(match.slice(i, i + 6))) expect.fail(`${line.id}: a ${f.kind} finding shows part of its match`);
        }
      }
    }
  });
});
