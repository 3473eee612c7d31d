import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'vite';

/**
 * Builds Zendesk's OFFICIAL ZAF SDK (github.com/zendesk/zendesk_app_framework_sdk, Apache-2.0) from a local
 * checkout into `apps/zendesk/.official-sdk/zaf_sdk.js`, a classic script defining `window.ZAFClient` like the
 * CDN file. The e2e suite then runs its Zendesk specs a second time with it (project `zendesk-official-sdk`).
 *
 * Nothing fetched is committed: the source is not in this repository, CI cannot fetch it, and without the
 * build the e2e suite runs with the npm community build only (which lacks the origin check, `track` and
 * `session.live`; the stand-in parent is strict about the official protocol either way).
 *
 *   node --import tsx scripts/build-official-sdk.ts --source /path/to/zendesk_app_framework_sdk
 *
 * The upstream build (webpack + babel) is replaced by Vite's library mode, and `native-promise-only` (the
 * SDK's only dependency, a Promise polyfill used only where `window.Promise` is missing) by a module that
 * exports the native Promise: every browser the tests run has one.
 */
const { values } = parseArgs({ options: { source: { type: 'string' }, out: { type: 'string' } } });
const appDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const source = values.source ? path.resolve(values.source) : undefined;
if (!source || !existsSync(path.join(source, 'lib', 'index.js')) || !existsSync(path.join(source, 'lib', 'client.js'))) {
  console.error('usage: build-official-sdk.ts --source <checkout of zendesk/zendesk_app_framework_sdk> [--out <dir>]');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8')) as { name?: string; licenses?: Array<{ type?: string }> };
if (pkg.name !== 'zendesk_app_framework_sdk') {
  console.error(`${source} is not a checkout of zendesk_app_framework_sdk (package name ${String(pkg.name)})`);
  process.exit(2);
}
const outDir = path.resolve(values.out ?? path.join(appDir, '.official-sdk'));
const shimDir = path.join(outDir, 'shim');
mkdirSync(shimDir, { recursive: true });
const shim = path.join(shimDir, 'native-promise.js');
writeFileSync(shim, 'export default globalThis.Promise;\n');

await build({
  configFile: false,
  root: source,
  publicDir: false,
  logLevel: 'warn',
  resolve: { alias: { 'native-promise-only': shim } },
  build: {
    outDir,
    emptyOutDir: false,
    sourcemap: false,
    minify: true,
    lib: { entry: path.join(source, 'lib', 'index.js'), formats: ['iife'], name: 'ZAFClient', fileName: () => 'zaf_sdk.js' },
  },
});

/** Which upstream commit the build came from, when the source is a git checkout (an archive has none). */
function revision(): string | undefined {
  try {
    return execFileSync('git', ['-C', source!, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
writeFileSync(
  path.join(outDir, 'source.json'),
  `${JSON.stringify({ from: 'github.com/zendesk/zendesk_app_framework_sdk', revision: revision() ?? null, licence: pkg.licenses?.[0]?.type ?? null, builtAt: new Date().toISOString() }, null, 2)}\n`,
);
console.log(`wrote ${path.join(outDir, 'zaf_sdk.js')}`);
