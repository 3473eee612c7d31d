#!/usr/bin/env node
// `npm test` / `pnpm test`: every suite on a fresh machine. Installs dependencies, then runs
// typecheck, lint, a formatting check, unit + integration tests (each suite starts its own throwaway Postgres) and the
// Playwright e2e suite in Debian's Chromium (installed with apt when missing and running as root).
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT, install, pnpm } from './bootstrap.mjs';

// Each suite writes a JSON report; they are summed into one closing line at the end. Every
// workspace package with a `test` script must leave its report behind, so a suite that silently
// did not run fails the command instead of shrinking the count.
const WORKSPACE_DIRS = ['packages', 'apps', 'services'].flatMap((group) =>
  readdirSync(path.join(ROOT, group), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(group, d.name)),
);
const REPORTS = [...WORKSPACE_DIRS, 'migrations', 'e2e']
  .filter((dir) => {
    const manifest = path.join(ROOT, dir, 'package.json');
    return existsSync(manifest) && Boolean(JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test);
  })
  .map((dir) => path.join(ROOT, dir, 'test-results', dir === 'e2e' ? 'playwright.json' : 'vitest.json'));
for (const report of REPORTS) rmSync(report, { force: true });

function countReports() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const report of REPORTS) {
    if (!existsSync(report)) throw new Error(`missing test report ${path.relative(ROOT, report)}: did that suite run?`);
    const r = JSON.parse(readFileSync(report, 'utf8'));
    if (r.stats) {
      passed += r.stats.expected + r.stats.flaky;
      failed += r.stats.unexpected;
      skipped += r.stats.skipped;
    } else {
      passed += r.numPassedTests;
      failed += r.numFailedTests;
      skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    }
  }
  return { passed, failed, skipped };
}

const started = Date.now();
install();
const stages = [
  ['Type-checking', ['exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only']],
  ['Linting', ['exec', 'turbo', 'run', 'lint', '--output-logs=errors-only']],
  ['Checking formatting (prettier; `pnpm format` fixes it)', ['exec', 'prettier', '--check', '.', '--log-level', 'warn']],
  // One package at a time: each suite starts its own Postgres, and the machine has 2 cores.
  ['Testing (unit, integration, e2e)', ['exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue']],
];
for (const [title, args] of stages) {
  console.log(`\n• ${title}…`);
  pnpm(args, { cwd: ROOT });
}
const { passed, failed, skipped } = countReports();
const seconds = Math.round((Date.now() - started) / 1000);
console.log(
  failed > 0 ? `\n✖ ${failed} test(s) failed (${seconds} s); see the suite output above.` : `\n✔ All suites passed in ${seconds} s.`,
);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || passed === 0) process.exit(1);
