import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../repo';

/**
 * Okta Management API contract, read from the vendor's OpenAPI document at test time (never copied into the repo):
 * `<repo>/../shared/specs/okta/management.yaml`. A missing document is an error, never a skip: the contract suite
 * must fail in CI when it cannot check anything.
 */
export const OKTA_SPEC_PATH = path.resolve(REPO_ROOT, '..', 'shared', 'specs', 'okta', 'management.yaml');

/** One request/response pair, as the stand-in logs it (paths below the org URL: `/api/v1/users/…`). */
export interface OktaExchange {
  method: string;
  path: string;
  /** Raw query string without `?`. */
  query?: string;
  /** Lower-case header names. */
  headers?: Record<string, string | undefined>;
  requestBody?: unknown;
  status: number;
  responseBody?: unknown;
}

export interface OktaOperation {
  template: string;
  operationId: string;
}

export interface OktaContract {
  readonly specPath: string;
  /** The spec's operation for this method and concrete path, or undefined when the spec has none. */
  match(method: string, requestPath: string): OktaOperation | undefined;
  /** Problems with a request: unknown operation, undeclared query parameter, missing auth, body against the schema. */
  checkRequest(exchange: Pick<OktaExchange, 'method' | 'path' | 'query' | 'headers' | 'requestBody'>): string[];
  /** Problems with a response: status not declared for the operation, body against the declared schema. */
  checkResponse(exchange: Pick<OktaExchange, 'method' | 'path' | 'status' | 'responseBody'>): string[];
  /** Both, each problem prefixed with `METHOD /path:`. */
  check(exchange: OktaExchange): string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface SpecOperation {
  operationId?: string;
  parameters?: JsonObject[];
  requestBody?: JsonObject;
  responses?: Record<string, JsonObject>;
}

interface Spec {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, JsonObject>; responses: Record<string, JsonObject>; parameters: Record<string, JsonObject> };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The YAML takes ~3 s to parse; its JSON form a few ms. The JSON is cached next to the package's dependencies,
 * keyed by the document's size and mtime, so each run (and each test file) parses the YAML at most once.
 */
function readSpec(specPath: string): Spec {
  if (!existsSync(specPath)) {
    throw new Error(
      `Okta contract: the Okta Management API description is missing at ${specPath}. ` +
        'The Okta contract suite needs ../shared/specs/okta/management.yaml (see ../shared/specs/README.md); it fails rather than skips.',
    );
  }
  const stat = statSync(specPath);
  const cacheDir = path.join(REPO_ROOT, 'packages', 'test-support', 'node_modules', '.cache', 'okta-contract');
  const cacheFile = path.join(cacheDir, `management-${stat.size}-${Math.floor(stat.mtimeMs)}.json`);
  if (existsSync(cacheFile)) {
    try {
      return JSON.parse(readFileSync(cacheFile, 'utf8')) as Spec;
    } catch {
      // A torn cache file (two runs writing at once): parse the YAML again.
    }
  }
  const spec = parse(readFileSync(specPath, 'utf8'), { maxAliasCount: -1 }) as Spec;
  if (!isObject(spec.paths) || !isObject(spec.components)) throw new Error(`Okta contract: ${specPath} is not an OpenAPI document`);
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(spec));
    // rename is atomic: a concurrent reader sees the whole file or none.
    renameSync(tmp, cacheFile);
  } catch {
    // Cache is an optimisation only.
  }
  return spec;
}

/**
 * OpenAPI 3.0 schema → JSON Schema (draft-07 as ajv reads it):
 * - `nullable: true` → null allowed;
 * - `oneOf` + `discriminator.mapping` → dispatch on the discriminator value (if/then per mapping entry, and the value
 *   must be one of the mapped ones); a bare `discriminator` on a base schema is dropped (subtypes `allOf` the base,
 *   and applying it there would recurse);
 * - other `oneOf` → `anyOf`: Okta's `oneOf`s are not mutually exclusive (UserFactorVerifyRequest's branches have no
 *   required properties, so `{useNumberMatchingChallenge:true}` matches several);
 * - `$ref`s re-pointed into the `okta` schema document.
 */
function convert(node: Json): Json {
  if (Array.isArray(node)) return node.map(convert);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'discriminator' || key === 'nullable' || key === 'example' || key === 'examples' || key.startsWith('x-')) continue;
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = value.startsWith('#/components/schemas/') ? `okta${value}` : value;
      continue;
    }
    out[key] = convert(value);
  }
  const discriminator = node.discriminator;
  if (
    isObject(discriminator) &&
    typeof discriminator.propertyName === 'string' &&
    isObject(discriminator.mapping) &&
    Array.isArray(node.oneOf)
  ) {
    const property = discriminator.propertyName;
    const mapping = Object.entries(discriminator.mapping).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    delete out.oneOf;
    out.required = [...(Array.isArray(out.required) ? out.required : []), property];
    out.properties = { ...(isObject(out.properties) ? out.properties : {}), [property]: { enum: mapping.map(([value]) => value) } };
    out.allOf = [
      ...(Array.isArray(out.allOf) ? out.allOf : []),
      ...mapping.map(([value, ref]): Json => ({ if: { properties: { [property]: { const: value } } }, then: { $ref: `okta${ref}` } })),
    ];
  } else if (Array.isArray(out.oneOf)) {
    out.anyOf = out.oneOf;
    delete out.oneOf;
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    if (out.type === undefined) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

function templateRegex(template: string): RegExp {
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`);
}

const cache = new Map<string, OktaContract>();

/** Parses the document once per process (and per run through the JSON cache); validators compile on first use. */
export function loadOktaContract(specPath: string = OKTA_SPEC_PATH): OktaContract {
  const cached = cache.get(specPath);
  if (cached) return cached;
  const contract = buildContract(specPath, readSpec(specPath));
  cache.set(specPath, contract);
  return contract;
}

function buildContract(specPath: string, spec: Spec): OktaContract {
  const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false, validateSchema: false });
  addFormats(ajv);
  for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(format, true);
  const schemas: JsonObject = {};
  for (const [name, schema] of Object.entries(spec.components.schemas)) schemas[name] = convert(schema);
  ajv.addSchema({ $id: 'okta', components: { schemas } }, 'okta');

  // Literal segments first, so `/api/v1/users/me` style paths win over `{id}` templates.
  const templates = Object.keys(spec.paths)
    .map((template) => ({ template, regex: templateRegex(template), literal: template.replace(/\{[^}]+\}/g, '').length }))
    .sort((a, b) => b.literal - a.literal);
  const validators = new Map<string, ValidateFunction>();

  function validator(key: string, schema: Json): ValidateFunction {
    let fn = validators.get(key);
    if (!fn) {
      fn = ajv.compile(convert(schema) as object);
      validators.set(key, fn);
    }
    return fn;
  }

  function deref<T extends JsonObject>(node: JsonObject, group: 'responses' | 'parameters'): T {
    const ref = node.$ref;
    if (typeof ref === 'string') {
      const name = ref.split('/').pop() ?? '';
      const target = spec.components[group][name];
      if (!target) throw new Error(`Okta contract: unresolved ${ref}`);
      return target as T;
    }
    return node as T;
  }

  function find(
    method: string,
    requestPath: string,
  ): { template: string; operation: SpecOperation; pathItem: Record<string, Json> } | undefined {
    const verb = method.toLowerCase();
    for (const { template, regex } of templates) {
      if (!regex.test(requestPath)) continue;
      const pathItem = spec.paths[template];
      const operation = pathItem?.[verb];
      if (pathItem && isObject(operation)) return { template, operation: operation, pathItem };
    }
    return undefined;
  }

  function errorsOf(fn: ValidateFunction): string[] {
    return (fn.errors ?? [])
      .slice(0, 8)
      .map((e) => `${e.instancePath || '(body)'} ${e.message ?? 'invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }

  const contract: OktaContract = {
    specPath,
    match(method, requestPath) {
      const found = find(method, requestPath);
      return found ? { template: found.template, operationId: found.operation.operationId ?? '' } : undefined;
    },
    checkRequest({ method, path: requestPath, query, headers, requestBody }) {
      const found = find(method, requestPath);
      if (!found) return [`no ${method.toUpperCase()} operation for ${requestPath} in the Okta Management API`];
      const problems: string[] = [];
      const parameters = [
        ...(Array.isArray(found.pathItem.parameters) ? (found.pathItem.parameters as JsonObject[]) : []),
        ...(found.operation.parameters ?? []),
      ].map((p) => deref<JsonObject>(p, 'parameters'));
      const declaredQuery = new Set(parameters.filter((p) => p.in === 'query').map((p) => String(p.name)));
      for (const name of new URLSearchParams(query ?? '').keys()) {
        if (!declaredQuery.has(name)) problems.push(`query parameter ${name} is not declared for ${found.operation.operationId}`);
      }
      const authorization = headers?.authorization ?? '';
      if (!/^(SSWS|Bearer|DPoP) \S+$/.test(authorization))
        problems.push('Authorization is neither `SSWS {token}` nor `Bearer {access_token}`');
      if (!headers?.['user-agent']) problems.push('User-Agent header missing');
      const body = found.operation.requestBody;
      const hasBody = requestBody !== undefined && requestBody !== '';
      if (body && hasBody) {
        const content = isObject(body.content) ? body.content : {};
        const media = content['application/json'];
        if (!isObject(media) || !media.schema) problems.push('operation declares no JSON request body');
        else {
          // A request carries only what the document defines: unevaluatedProperties catches a property that no
          // matching branch declares (Okta's oneOfs would otherwise let any body through a passCode-only branch).
          const fn = validator(`req ${found.template} ${method}`, { allOf: [media.schema], unevaluatedProperties: false });
          if (!fn(requestBody)) problems.push(...errorsOf(fn).map((e) => `request body ${e}`));
        }
      } else if (!body && hasBody) problems.push(`${found.operation.operationId} takes no request body`);
      else if (body && !hasBody && body.required === true) problems.push('request body required');
      return problems;
    },
    checkResponse({ method, path: requestPath, status, responseBody }) {
      const found = find(method, requestPath);
      if (!found) return [`no ${method.toUpperCase()} operation for ${requestPath} in the Okta Management API`];
      const responses = found.operation.responses ?? {};
      // Okta answers 401 E0000011 to every operation called with a bad credential; the document declares that
      // response (ErrorInvalidToken401) on some operations only, so it is accepted everywhere.
      const declared =
        responses[String(status)] ??
        responses[`${String(status)[0]}XX`] ??
        responses.default ??
        (status === 401 ? { $ref: '#/components/responses/ErrorInvalidToken401' } : undefined);
      if (!declared)
        return [`status ${status} is not declared for ${found.operation.operationId} (declared: ${Object.keys(responses).join(', ')})`];
      const response = deref<JsonObject>(declared, 'responses');
      const content = isObject(response.content) ? response.content : undefined;
      const media = content?.['application/json'];
      if (!isObject(media) || !media.schema) {
        return responseBody === undefined || responseBody === ''
          ? []
          : [`status ${status} of ${found.operation.operationId} has no body in the spec`];
      }
      const fn = validator(`res ${found.template} ${method} ${status}`, media.schema);
      return fn(responseBody) ? [] : errorsOf(fn).map((e) => `response ${status} ${e}`);
    },
    check(exchange) {
      const prefix = `${exchange.method.toUpperCase()} ${exchange.path}:`;
      return [...contract.checkRequest(exchange), ...contract.checkResponse(exchange)].map((p) => `${prefix} ${p}`);
    },
  };
  return contract;
}
