// Scores the detector against the labelled corpus: a finding counts as a true positive when a label of the same kind
// has exactly its text. Shared by the bench (prints) and the corpus test (asserts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { detect } from '../src/detect';
import { KINDS, type Finding, type FindingKind } from '../src/types';
import type { CorpusLine } from '../corpus/generate';

export interface KindScore {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface Miss {
  id: string;
  kind: FindingKind;
  /** false positive or false negative; never the matched text itself (the corpus is synthetic, but habits matter) */
  type: 'fp' | 'fn';
}

export interface CorpusScore {
  lines: number;
  perKind: Record<FindingKind, KindScore>;
  overall: KindScore;
  misses: Miss[];
  findings: { line: CorpusLine; findings: Finding[] }[];
}

/** The goals of issue 12. */
export const GOALS = {
  recall: { card: 0.98, iban: 0.98, password: 0.9 } as Partial<Record<FindingKind, number>>,
  overallPrecision: 0.95,
};

export function loadCorpus(): CorpusLine[] {
  const file = fileURLToPath(new URL('../corpus/tickets.jsonl', import.meta.url));
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CorpusLine);
}

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : a / b;
}

export function scoreCorpus(lines: readonly CorpusLine[]): CorpusScore {
  const counts = Object.fromEntries(KINDS.map((k) => [k, { tp: 0, fp: 0, fn: 0 }])) as Record<
    FindingKind,
    { tp: number; fp: number; fn: number }
  >;
  const misses: Miss[] = [];
  const findings: CorpusScore['findings'] = [];
  for (const line of lines) {
    const found = detect(line.text);
    findings.push({ line, findings: found });
    const open = line.expect.map((e) => ({ ...e, matched: false }));
    for (const f of found) {
      const text = line.text.slice(f.start, f.end);
      const label = open.find((e) => !e.matched && e.kind === f.kind && e.match === text);
      if (label) {
        label.matched = true;
        counts[f.kind].tp++;
      } else {
        counts[f.kind].fp++;
        misses.push({ id: line.id, kind: f.kind, type: 'fp' });
      }
    }
    for (const e of open.filter((o) => !o.matched)) {
      counts[e.kind].fn++;
      misses.push({ id: line.id, kind: e.kind, type: 'fn' });
    }
  }
  const score = (c: { tp: number; fp: number; fn: number }): KindScore => ({
    ...c,
    precision: ratio(c.tp, c.tp + c.fp),
    recall: ratio(c.tp, c.tp + c.fn),
  });
  const perKind = Object.fromEntries(KINDS.map((k) => [k, score(counts[k])])) as Record<FindingKind, KindScore>;
  const total = Object.values(counts).reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
  return { lines: lines.length, perKind, overall: score(total), misses, findings };
}

/** Goals not met, as sentences (empty when all are met). */
export function unmetGoals(s: CorpusScore): string[] {
  const out: string[] = [];
  for (const [kind, goal] of Object.entries(GOALS.recall) as [FindingKind, number][]) {
    if (s.perKind[kind].recall < goal) out.push(`recall for ${kind} is ${s.perKind[kind].recall.toFixed(3)}, goal ${goal}`);
  }
  if (s.overall.precision < GOALS.overallPrecision)
    out.push(`overall precision is ${s.overall.precision.toFixed(3)}, goal ${GOALS.overallPrecision}`);
  return out;
}
