#!/usr/bin/env node
// `npm test` / `pnpm test`: every suite on a fresh machine. Installs dependencies, then runs
// typecheck, lint, unit + integration tests (each suite starts its own throwaway Postgres) and the
// Playwright e2e suite in Debian's Chromium (installed with apt when missing and running as root).
import { ROOT, install, pnpm } from './bootstrap.mjs';

const started = Date.now();
install();
const stages = [
  ['Type-checking', ['exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only']],
  ['Linting', ['exec', 'turbo', 'run', 'lint', '--output-logs=errors-only']],
  // One package at a time: each suite starts its own Postgres, and the machine has 2 cores.
  ['Testing (unit, integration, e2e)', ['exec', 'turbo', 'run', 'test', '--concurrency=1']],
];
for (const [title, args] of stages) {
  console.log(`\n• ${title}…`);
  pnpm(args, { cwd: ROOT });
}
console.log(`\n✔ All suites passed in ${Math.round((Date.now() - started) / 1000)} s.`);
