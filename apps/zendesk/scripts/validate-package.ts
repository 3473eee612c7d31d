import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { pngSize } from './png';

/**
 * An offline stand-in for `zcli apps:validate`, which uploads the zip to a real Zendesk account
 * (research §1.5) and so cannot run in CI. It follows the zendesk_apps_support rules we checked
 * (validations/manifest.rb, translations.rb, secure_settings.rb; research §1.4–1.5) plus the
 * marketplace icon sizes. It is a subset: passing here does not prove Zendesk will accept the app.
 */
export interface ValidationResult {
  errors: string[];
  warnings: string[];
}

type Json = Record<string, unknown>;

const BOOLEAN_FIELDS = ['private', 'signedUrls', 'singleInstall'] as const;
const ASSET_TYPES = /\.(png|jpe?g|gif|svg|js|html?|css|map|eot|woff2?|otf|ttf|json|xml|hbs|hdbs)$/;
const TRANSLATION_FILE = /^translations\/([a-z]{2}(?:-[a-zA-Z]{2})?)\.json$/;
const ICONS: Record<string, number> = { 'assets/logo.png': 320, 'assets/logo-small.png': 128 };

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(bytes: Uint8Array | undefined): unknown {
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

function validateLocationUrl(where: string, url: unknown, files: Record<string, Uint8Array>, errors: string[]): void {
  if (typeof url !== 'string' || url === '') return void errors.push(`${where}: url must be a non-empty string`);
  if (url.includes('{{setting.')) return; // substituted at install time; Zendesk skips validation too
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    try {
      const parsed = new URL(url);
      const isLocalhost = parsed.hostname === 'localhost';
      if (parsed.protocol !== 'https:' && !(isLocalhost && parsed.protocol === 'http:'))
        errors.push(`${where}: absolute url must be https (or http://localhost)`);
    } catch {
      errors.push(`${where}: url is not a valid URL`);
    }
    return;
  }
  const path = url.split(/[?#]/)[0] ?? '';
  if (!path.startsWith('assets/')) errors.push(`${where}: a relative url must start with assets/`);
  else if (!files[path]) errors.push(`${where}: ${path} is not in the package`);
}

function validateLocations(manifest: Json, files: Record<string, Uint8Array>, errors: string[]): void {
  const location = manifest.location;
  if (location === undefined) return;
  if (!isObject(location)) return void errors.push('location must be an object of product → location → url');
  for (const [product, places] of Object.entries(location)) {
    if (!isObject(places)) {
      errors.push(`location.${product} must be an object`);
      continue;
    }
    for (const [place, value] of Object.entries(places)) {
      const where = `location.${product}.${place}`;
      if (typeof value === 'string') validateLocationUrl(where, value, files, errors);
      else if (isObject(value)) {
        validateLocationUrl(where, value.url, files, errors);
        if (value.flexible !== undefined && typeof value.flexible !== 'boolean') errors.push(`${where}.flexible must be a boolean`);
      } else errors.push(`${where} must be a url or an object with a url`);
    }
  }
}

function validateParameters(manifest: Json, result: ValidationResult): string[] {
  const { errors, warnings } = result;
  const parameters = manifest.parameters ?? [];
  if (!Array.isArray(parameters)) {
    errors.push('parameters must be an array');
    return [];
  }
  const names: string[] = [];
  parameters.forEach((parameter: unknown, index) => {
    if (!isObject(parameter) || typeof parameter.name !== 'string' || parameter.name === '')
      return void errors.push(`parameters[${index}] needs a name`);
    const { name } = parameter;
    if (name === 'name') errors.push('a parameter may not be called "name"');
    if (names.includes(name)) errors.push(`parameter ${name} is declared twice`);
    names.push(name);
    for (const flag of ['required', 'secure'] as const) {
      if (parameter[flag] !== undefined && typeof parameter[flag] !== 'boolean')
        errors.push(`parameter ${name}: ${flag} must be a boolean`);
    }
    if (parameter.secure === true) {
      if (parameter.type === 'oauth') errors.push(`parameter ${name}: oauth parameters cannot be secure`);
      if (parameter.scopes === undefined) warnings.push(`parameter ${name}: secure parameter without scopes`);
      if (parameter.default !== undefined) warnings.push(`parameter ${name}: secure parameter with a default`);
    }
  });
  return names;
}

function validateTranslations(manifest: Json, files: Record<string, Uint8Array>, errors: string[]): void {
  for (const path of Object.keys(files).filter((p) => p.startsWith('translations/'))) {
    if (!TRANSLATION_FILE.test(path)) errors.push(`${path}: translation files are translations/<xx or xx-YY>.json`);
    else if (!isObject(parseJson(files[path]))) errors.push(`${path} is not a JSON object`);
  }
  const locale = manifest.defaultLocale;
  if (typeof locale !== 'string') return;
  const path = `translations/${locale}.json`;
  const translations = parseJson(files[path]);
  if (!files[path]) return void errors.push(`${path} is missing (defaultLocale)`);
  const app = isObject(translations) && isObject(translations.app) ? translations.app : {};
  const required = manifest.private === false ? ['name', 'short_description', 'installation_instructions', 'long_description'] : ['name'];
  for (const key of required) {
    if (typeof app[key] !== 'string' || app[key] === '') errors.push(`${path}: app.${key} is missing`);
  }
}

function validateAssets(files: Record<string, Uint8Array>, errors: string[]): void {
  for (const path of Object.keys(files).filter((p) => p.startsWith('assets/') && !p.endsWith('/'))) {
    if (!ASSET_TYPES.test(path)) errors.push(`${path}: file type not accepted in assets/`);
  }
  for (const [path, size] of Object.entries(ICONS)) {
    const bytes = files[path];
    const actual = bytes ? pngSize(bytes) : null;
    if (!bytes) errors.push(`${path} is missing`);
    else if (!actual) errors.push(`${path} is not a PNG`);
    else if (actual.width !== size || actual.height !== size)
      errors.push(`${path} must be ${size}x${size}, is ${actual.width}x${actual.height}`);
  }
}

/** Validates the files of an app package (zip entry name → bytes). */
export function validateZendeskPackage(files: Record<string, Uint8Array>): ValidationResult {
  const result: ValidationResult = { errors: [], warnings: [] };
  const { errors } = result;
  const nested = Object.keys(files).find((path) => path !== 'manifest.json' && path.endsWith('/manifest.json'));
  if (nested) errors.push(`nested_manifest: ${nested} (manifest.json must be at the root of the zip)`);
  const manifest = parseJson(files['manifest.json']);
  if (!files['manifest.json']) return { ...result, errors: [...errors, 'manifest.json is missing from the root of the zip'] };
  if (!isObject(manifest)) return { ...result, errors: [...errors, 'manifest.json is not a JSON object'] };

  if (typeof manifest.name !== 'string' || manifest.name === '') errors.push('manifest: name is required');
  const author = manifest.author;
  if (!isObject(author) || typeof author.name !== 'string' || typeof author.email !== 'string')
    errors.push('manifest: author{name,email} is required');
  if (typeof manifest.defaultLocale !== 'string') errors.push('manifest: defaultLocale is required');
  if (manifest.frameworkVersion === undefined) errors.push('missing_framework_version');
  else if (manifest.frameworkVersion !== '2.0') errors.push('manifest: frameworkVersion must be "2.0"');
  for (const field of BOOLEAN_FIELDS) {
    if (manifest[field] !== undefined && typeof manifest[field] !== 'boolean') errors.push(`manifest: ${field} must be a boolean`);
  }
  const whitelist = manifest.domainWhitelist;
  if (whitelist !== undefined && (!Array.isArray(whitelist) || whitelist.some((d) => typeof d !== 'string' || d.includes('/')))) {
    errors.push('manifest: domainWhitelist must be an array of host names');
  }
  validateLocations(manifest, files, errors);
  const names = validateParameters(manifest, result);
  // Our own rule: every {{setting.x}} the manifest uses must be a declared parameter.
  for (const match of JSON.stringify(manifest.location ?? {}).matchAll(/\{\{setting\.([a-z0-9_]+)\}\}/gi)) {
    if (!names.includes(match[1] ?? '')) errors.push(`location uses {{setting.${match[1]}}} but no parameter declares it`);
  }
  validateTranslations(manifest, files, errors);
  validateAssets(files, errors);
  return result;
}

export function validateZip(zip: Uint8Array): ValidationResult {
  return validateZendeskPackage(unzipSync(zip));
}

// `node --import tsx scripts/validate-package.ts [dist/vouchsafe-zendesk.zip]`
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = process.argv[2] ?? new URL('../dist/vouchsafe-zendesk.zip', import.meta.url).pathname;
  const { errors, warnings } = validateZip(new Uint8Array(readFileSync(path)));
  for (const warning of warnings) console.warn(`warning: ${warning}`);
  for (const error of errors) console.error(`error: ${error}`);
  if (errors.length > 0) process.exit(1);
  console.log(`${path}: valid (offline rules)`);
}
