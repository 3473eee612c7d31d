import { readFileSync } from 'node:fs';
import { encodePng, padlockPixel } from './png';

const PACKAGE_DIR = new URL('../package/', import.meta.url);

export interface PackageOptions {
  /** The app version (package.json). */
  version: string;
  /**
   * Host names for domainWhitelist. Zendesk consults it only for client.request() calls through its
   * proxy, which the sidebar does not make (it calls its own origin with fetch); set it to your
   * Vouchsafe host so the list is truthful if an admin ever inspects or extends it.
   */
  domains?: string[];
}

/**
 * The files of the Zendesk app zip, in the layout `zcli apps:create` / `apps:validate` expect:
 * manifest.json at the root, translations/en.json, assets/ with the icons. The sidebar page itself
 * is not in the zip: the API serves it at {{setting.vouchsafe_url}}/apps/zendesk/.
 */
export function buildZendeskPackage(options: PackageOptions): Record<string, Uint8Array> {
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', PACKAGE_DIR), 'utf8')) as Record<string, unknown>;
  manifest.version = options.version;
  if (options.domains && options.domains.length > 0) manifest.domainWhitelist = options.domains;
  const text = (value: string): Uint8Array => new TextEncoder().encode(value);
  return {
    'manifest.json': text(`${JSON.stringify(manifest, null, 2)}\n`),
    'translations/en.json': new Uint8Array(readFileSync(new URL('translations/en.json', PACKAGE_DIR))),
    'assets/logo.svg': new Uint8Array(readFileSync(new URL('assets/logo.svg', PACKAGE_DIR))),
    'assets/logo.png': encodePng(320, padlockPixel),
    'assets/logo-small.png': encodePng(128, padlockPixel),
  };
}
