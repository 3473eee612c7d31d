#!/usr/bin/env node
// `npm start` / `pnpm start`: install, build the portal, run the API (embedded Postgres unless
// DATABASE_URL is set). Ctrl-C or SIGTERM stops it gracefully.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT, install, pnpm } from './bootstrap.mjs';

install();
console.log('• Building the portal…');
pnpm(['exec', 'turbo', 'run', 'build', '--filter=@vouchsafe/portal', '--output-logs=errors-only']);
console.log('• Starting Vouchsafe…');
const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'services/api/src/main.ts')], {
  cwd: path.join(ROOT, 'services/api'),
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
