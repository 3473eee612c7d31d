import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { zipSync } from 'fflate';
import { validateZendeskPackage } from './validate-package';
import { buildZendeskPackage } from './zendesk-package';

/**
 * Builds dist/vouchsafe-zendesk.zip for `zcli apps:create` / `apps:update`, after checking it with
 * the offline validator. `--domain vouchsafe.acme.com` fills domainWhitelist with your host.
 */
const { values } = parseArgs({ options: { domain: { type: 'string', multiple: true } } });
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const files = buildZendeskPackage({ version, domains: values.domain });
const { errors, warnings } = validateZendeskPackage(files);
for (const warning of warnings) console.warn(`warning: ${warning}`);
if (errors.length > 0) {
  for (const error of errors) console.error(`error: ${error}`);
  process.exit(1);
}
const out = new URL('../dist/vouchsafe-zendesk.zip', import.meta.url);
mkdirSync(new URL('.', out), { recursive: true });
// A fixed mtime keeps the zip byte-identical between builds of the same sources.
writeFileSync(out, zipSync(files, { level: 9, mtime: new Date('2026-01-01T00:00:00Z') }));
console.log(`wrote ${out.pathname} (${Object.keys(files).length} files)`);
