// `pnpm bench` (or `pnpm --filter @vouchsafe/detector bench`): precision and recall per kind on the labelled corpus,
// throughput, and the time for 1 MB of each adversarial input. Exits 1 when a goal of issue 12 is not met or any
// adversarial input takes a second or more. Prints ids and kinds of misses, never their text.
import { performance } from 'node:perf_hooks';
import { detect } from '../src/detect';
import { KINDS } from '../src/types';
import { adversarialInputs } from './adversarial';
import { GOALS, loadCorpus, scoreCorpus, unmetGoals } from './score';

const ADVERSARIAL_BYTES = 1_000_000;
const ADVERSARIAL_LIMIT_MS = 1_000;

const pct = (x: number): string => x.toFixed(3);
const lines = loadCorpus();
const score = scoreCorpus(lines);

console.log(`\ndetector — labelled corpus: ${lines.length} lines, ${lines.reduce((n, l) => n + l.expect.length, 0)} labelled findings`);
console.log(`${'kind'.padEnd(16)} ${'tp'.padStart(5)} ${'fp'.padStart(4)} ${'fn'.padStart(4)}  precision  recall  goal`);
for (const kind of KINDS) {
  const k = score.perKind[kind];
  if (k.tp + k.fp + k.fn === 0) continue;
  const goal = GOALS.recall[kind];
  console.log(
    `${kind.padEnd(16)} ${String(k.tp).padStart(5)} ${String(k.fp).padStart(4)} ${String(k.fn).padStart(4)}  ${pct(k.precision).padStart(9)}  ${pct(k.recall).padStart(6)}  ${goal ? `recall ≥ ${goal}` : ''}`,
  );
}
const o = score.overall;
console.log(
  `${'overall'.padEnd(16)} ${String(o.tp).padStart(5)} ${String(o.fp).padStart(4)} ${String(o.fn).padStart(4)}  ${pct(o.precision).padStart(9)}  ${pct(o.recall).padStart(6)}  precision ≥ ${GOALS.overallPrecision}`,
);
const heldOut = scoreCorpus(lines.filter((l) => l.id.includes('-held-'))).overall;
console.log(
  `held-out hand-written lines only: precision ${pct(heldOut.precision)}, recall ${pct(heldOut.recall)} (${heldOut.tp} tp, ${heldOut.fp} fp, ${heldOut.fn} fn)`,
);
if (score.misses.length > 0) console.log(`misses: ${score.misses.map((m) => `${m.type} ${m.kind} (${m.id})`).join(', ')}`);

// Time is measured twice: wall clock, and CPU time of this process (user + system), which is what the detector
// costs; on a shared machine the wall clock also counts the time other processes had the CPU.
function timed(run: () => void): { wallMs: number; cpuMs: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  run();
  const cpu = process.cpuUsage(cpu0);
  return { wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

// Throughput on ticket text: the whole corpus, repeated (after one warm-up pass).
const corpusText = lines.map((l) => l.text).join('\n');
const rounds = 50;
detect(corpusText);
const t = timed(() => {
  for (let i = 0; i < rounds; i++) detect(corpusText);
});
const mchars = (corpusText.length * rounds) / 1e6;
console.log(
  `throughput on corpus text: ${(mchars / (t.cpuMs / 1000)).toFixed(1)} M chars per CPU second (${(mchars / (t.wallMs / 1000)).toFixed(1)} per wall second; ${lines.length} lines × ${rounds})`,
);

// Linear time on inputs built to make backtracking patterns blow up.
console.log(`adversarial input, ${ADVERSARIAL_BYTES / 1e6} MB each (limit ${ADVERSARIAL_LIMIT_MS} ms of CPU):`);
const slow: string[] = [];
for (const [name, text] of Object.entries(adversarialInputs(ADVERSARIAL_BYTES))) {
  let n = 0;
  const took = timed(() => {
    n = detect(text).length;
  });
  if (took.cpuMs >= ADVERSARIAL_LIMIT_MS) slow.push(name);
  console.log(
    `  ${name.padEnd(30)} ${took.cpuMs.toFixed(0).padStart(5)} ms CPU ${took.wallMs.toFixed(0).padStart(6)} ms wall  (${n} findings)`,
  );
}

const failures = [...unmetGoals(score), ...slow.map((s) => `adversarial input "${s}" took ≥ ${ADVERSARIAL_LIMIT_MS} ms of CPU`)];
if (failures.length > 0) {
  console.error(`\n✖ detector bench: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('✔ detector goals met');
