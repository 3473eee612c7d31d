import { readFileSync } from 'node:fs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodePng, padlockPixel } from './png';
import { validateZendeskPackage, validateZip } from './validate-package';
import { buildZendeskPackage } from './zendesk-package';

const build = () => buildZendeskPackage({ version: '1.2.3', domains: ['vouchsafe.acme.com'] });
const manifestOf = (files: Record<string, Uint8Array>) =>
  JSON.parse(strFromU8(files['manifest.json'] ?? new Uint8Array())) as Record<string, any>;
const withManifest = (change: (manifest: Record<string, any>) => void): Record<string, Uint8Array> => {
  const files = build();
  const manifest = manifestOf(files);
  change(manifest);
  return { ...files, 'manifest.json': strToU8(JSON.stringify(manifest)) };
};

describe('the Zendesk app zip', () => {
  it('has the zcli layout and passes the offline rules', () => {
    const files = unzipSync(zipSync(build()));
    expect(Object.keys(files).sort()).toEqual([
      'assets/logo-small.png',
      'assets/logo.png',
      'assets/logo.svg',
      'manifest.json',
      'translations/en.json',
    ]);
    expect(validateZendeskPackage(files)).toEqual({ errors: [], warnings: [] });
  });

  it('declares a signed-URL ticket sidebar served by the configured Vouchsafe URL', () => {
    const manifest = manifestOf(build());
    expect(manifest).toMatchObject({
      version: '1.2.3',
      defaultLocale: 'en',
      private: true,
      signedUrls: true,
      frameworkVersion: '2.0',
      location: { support: { ticket_sidebar: { url: '{{setting.vouchsafe_url}}/apps/zendesk/', flexible: true } } },
      parameters: [{ name: 'vouchsafe_url', type: 'url', required: true, secure: false }],
      domainWhitelist: ['vouchsafe.acme.com'],
    });
    const translations = JSON.parse(strFromU8(build()['translations/en.json'] ?? new Uint8Array()));
    expect(translations.app.name).toBe('Vouchsafe');
    expect(translations.app.parameters.vouchsafe_url.label).toBeTruthy();
  });

  it('catches a nested manifest (zipping the folder instead of its contents)', () => {
    const nested = Object.fromEntries(Object.entries(build()).map(([path, bytes]) => [`vouchsafe/${path}`, bytes]));
    const { errors } = validateZip(zipSync(nested));
    expect(errors).toContain('nested_manifest: vouchsafe/manifest.json (manifest.json must be at the root of the zip)');
    expect(errors).toContain('manifest.json is missing from the root of the zip');
  });

  it('catches missing translations and keys', () => {
    const files = build();
    const { 'translations/en.json': _en, ...withoutEn } = files;
    expect(validateZendeskPackage(withoutEn).errors).toContain('translations/en.json is missing (defaultLocale)');
    const publicApp = withManifest((m) => (m.private = false));
    publicApp['translations/en.json'] = strToU8(JSON.stringify({ app: { name: 'Vouchsafe' } }));
    expect(validateZendeskPackage(publicApp).errors).toEqual([
      'translations/en.json: app.short_description is missing',
      'translations/en.json: app.installation_instructions is missing',
      'translations/en.json: app.long_description is missing',
    ]);
    expect(validateZendeskPackage({ ...files, 'translations/english.json': strToU8('{}') }).errors).toEqual([
      'translations/english.json: translation files are translations/<xx or xx-YY>.json',
    ]);
  });

  it('requires booleans, author, framework version and declared settings', () => {
    expect(validateZendeskPackage(withManifest((m) => (m.signedUrls = 'true'))).errors).toEqual(['manifest: signedUrls must be a boolean']);
    expect(validateZendeskPackage(withManifest((m) => delete m.frameworkVersion)).errors).toEqual(['missing_framework_version']);
    expect(validateZendeskPackage(withManifest((m) => delete m.author)).errors).toEqual(['manifest: author{name,email} is required']);
    expect(validateZendeskPackage(withManifest((m) => (m.parameters[0].required = 'yes'))).errors).toEqual([
      'parameter vouchsafe_url: required must be a boolean',
    ]);
    expect(validateZendeskPackage(withManifest((m) => (m.parameters = []))).errors).toEqual([
      'location uses {{setting.vouchsafe_url}} but no parameter declares it',
    ]);
  });

  it('applies the location URL rules', () => {
    const at = (url: string) => validateZendeskPackage(withManifest((m) => (m.location.support.ticket_sidebar.url = url))).errors;
    expect(at('https://vouchsafe.acme.com/apps/zendesk/')).toEqual([]);
    expect(at('http://localhost:8080/apps/zendesk/')).toEqual([]);
    expect(at('http://vouchsafe.acme.com/apps/zendesk/')).toEqual([
      'location.support.ticket_sidebar: absolute url must be https (or http://localhost)',
    ]);
    expect(at('iframe.html')).toEqual(['location.support.ticket_sidebar: a relative url must start with assets/']);
    expect(at('assets/iframe.html')).toEqual(['location.support.ticket_sidebar: assets/iframe.html is not in the package']);
  });

  it('applies the secure-parameter rules', () => {
    const secure = validateZendeskPackage(
      withManifest((m) => m.parameters.push({ name: 'token', type: 'oauth', secure: true, default: 'x' })),
    );
    expect(secure.errors).toEqual(['parameter token: oauth parameters cannot be secure']);
    expect(secure.warnings).toEqual([
      'parameter token: secure parameter without scopes',
      'parameter token: secure parameter with a default',
    ]);
    expect(validateZendeskPackage(withManifest((m) => m.parameters.push({ name: 'name', type: 'text' }))).errors).toEqual([
      'a parameter may not be called "name"',
    ]);
  });

  it('checks the icon sizes', () => {
    const files = { ...build(), 'assets/logo.png': encodePng(64, padlockPixel) };
    expect(validateZendeskPackage(files).errors).toEqual(['assets/logo.png must be 320x320, is 64x64']);
  });
});

describe('the sidebar page', () => {
  const html = readFileSync(new URL('../index.html', import.meta.url), 'utf8');

  it('loads the ZAF SDK from the configured URL before the entry module, with no inline script', () => {
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((s) => s[1]?.trim())).toEqual(['src="%VOUCHSAFE_ZAF_SDK_URL%"', 'type="module" src="/src/main.tsx"']);
    expect(scripts.every((s) => s[2]?.trim() === '')).toBe(true);
  });
});
