import { z } from 'zod';
import {
  ERROR_STATUS,
  OPERATOR_CSRF_HEADER,
  REVOKE_TOKEN_HEADER,
  SESSION_HEADER,
  WITHDRAWN_REASONS,
  type ErrorCode,
} from '@vouchsafe/contracts';
import { API_TOKEN_SCOPES } from '../modules/api-tokens/api-tokens';
import { ROUTES, SCHEMAS, type Media, type RouteSpec } from './route-table';

/**
 * The OpenAPI 3.1 document, built from the zod schemas in packages/contracts and the route table (route-table.ts).
 * Pure and deterministic: `pnpm openapi` writes it to services/api/openapi.json, the app serves the same object at
 * /api/v1/openapi.json, and test/openapi.test.ts fails when the committed file differs from a fresh build.
 */

type Json = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The body of every non-2xx JSON answer (ErrorBody in contracts/errors.ts), its codes from ERROR_STATUS. */
const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    requestId: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    retryAfterSeconds: z.number().optional(),
    /** Issue 12: with `secret_withdrawn`, why the secret was withdrawn with its ticket. */
    withdrawnReason: z.enum(WITHDRAWN_REASONS).optional(),
  }),
});

/** zod → JSON Schema 2020-12 (OpenAPI 3.1's dialect), one component per name, cross-references as $ref. */
function componentSchemas(schemas: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: out } = z.toJSONSchema(registry, {
    io,
    target: 'draft-2020-12',
    // Refinements (the well-formed text rule, cross-field checks) have no JSON Schema form; the server still runs them.
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(out).map(([id, s]) => {
      const { $schema: _s, $id: _i, ...rest } = s as Json;
      return [id, rest];
    }),
  );
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted: waits for a second person (four eyes)',
  204: 'No content',
  301: 'Moved permanently',
  303: 'See other',
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Validation failed',
  429: 'Too many requests',
  500: 'Internal error',
  502: 'A help desk or identity provider did not answer',
  503: 'Not ready',
};

/** Error statuses a route can answer: every route (malformed URL 400, 500), plus what its auth, body and path imply. */
export function errorStatuses(route: RouteSpec): number[] {
  const out = new Set([400, 500, ...(route.errors ?? [])]);
  if (route.path.includes('{') || route.path.startsWith('/api/')) out.add(404);
  if (route.body !== undefined && typeof route.body === 'string') [413, 415, 422].forEach((s) => out.add(s));
  if (route.query instanceof z.ZodObject) out.add(422);
  if (route.auth.startsWith('token:') || route.auth === 'auditor' || route.auth === 'admin') [401, 403].forEach((s) => out.add(s));
  if (route.auth === 'session' || route.auth === 'forge' || route.auth === 'operator') out.add(401);
  if (route.auth === 'revoke') out.add(403);
  return [...out].filter((s) => !(s in route.ok)).sort();
}

function errorResponse(status: number, isHtml: boolean): Json {
  const codes = Object.entries(ERROR_STATUS)
    .filter(([, s]) => s === status)
    .map(([c]) => c);
  const json = {
    schema: {
      allOf: [ref('ErrorBody')],
      // The codes this status carries (ERROR_STATUS maps each code to one status).
      properties: { error: { properties: { code: { enum: codes } } } },
    },
  };
  return {
    description: STATUS_TEXT[status] ?? String(status),
    content: isHtml ? { 'text/html': { schema: { type: 'string' } }, 'application/json': json } : { 'application/json': json },
  };
}

function okResponse(status: number, answer: RouteSpec['ok'][number]): Json {
  const description = STATUS_TEXT[status] ?? String(status);
  // A redirect's short text body (Express writes one) is not part of the contract; Location is.
  if (answer === null && status >= 300 && status < 400)
    return { description, headers: { Location: { required: true, schema: { type: 'string' } } } };
  if (answer === null) return { description };
  if (typeof answer === 'string') return { description, content: { 'application/json': { schema: ref(answer) } } };
  const media: Media = answer;
  return {
    description: media.description,
    content: { [media.type]: { schema: { type: media.type === 'application/json' ? 'object' : 'string' } } },
  };
}

function security(route: RouteSpec): Json[] {
  if (route.auth.startsWith('token:')) return [{ apiToken: [route.auth.slice('token:'.length)] }];
  if (route.auth === 'auditor') return [{ apiToken: ['auditor'] }, { operatorSession: [] }];
  if (route.auth === 'admin') return [{ apiToken: ['admin'] }, { operatorSession: [] }];
  if (route.auth === 'session') return [{ sidebarSession: [] }];
  if (route.auth === 'forge') return [{ forgeInvocationToken: [] }];
  if (route.auth === 'operator') return [{ operatorSession: [] }];
  if (route.auth === 'revoke') return [{ revokeToken: [] }];
  return [];
}

function parameters(route: RouteSpec): Json[] {
  const out: Json[] = [...route.path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (route.query instanceof z.ZodObject) {
    const schema = z.toJSONSchema(route.query, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Json;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const [name, s] of Object.entries(schema.properties as Record<string, Json>)) {
      out.push({ name, in: 'query', required: required.has(name), schema: s });
    }
  } else if (route.query) {
    for (const [name, description] of Object.entries(route.query)) out.push({ name, in: 'query', description, schema: { type: 'string' } });
  }
  return out;
}

function operation(route: RouteSpec): Json {
  const op: Json = {
    operationId: `${route.method}${route.path.replace(/\{([A-Za-z]+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ?? '').toUpperCase())}`,
    summary: route.summary,
    tags: [route.tag],
    security: security(route),
  };
  const params = parameters(route);
  if (params.length > 0) op.parameters = params;
  if (route.body !== undefined) {
    op.requestBody = {
      required: true,
      content:
        typeof route.body === 'string'
          ? { 'application/json': { schema: ref(route.body) } }
          : { [route.body.type]: { schema: { type: 'object' }, description: route.body.description } },
    };
  }
  const responses: Json = {};
  for (const [status, answer] of Object.entries(route.ok)) responses[status] = okResponse(Number(status), answer);
  for (const status of errorStatuses(route)) {
    responses[String(status)] = { $ref: `#/components/responses/${route.htmlErrors === true ? 'ErrorPage' : 'Error'}${status}` };
  }
  op.responses = responses;
  return op;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; responses: Record<string, Json>; securitySchemes: Record<string, Json> };
  [key: string]: unknown;
}

export function buildOpenApiDocument(): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of ROUTES) (paths[route.path] ??= {})[route.method] = operation(route);
  const errorResponses: Record<string, Json> = {};
  for (const route of ROUTES) {
    for (const status of errorStatuses(route)) {
      const isHtml = route.htmlErrors === true;
      errorResponses[`${isHtml ? 'ErrorPage' : 'Error'}${status}`] = errorResponse(status, isHtml);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vouchsafe API',
      version: '1',
      description:
        'Caller verification and one-time secrets for help-desk sidebars. Generated from packages/contracts by `pnpm openapi` ' +
        '(services/api/src/openapi); every non-2xx JSON answer is an ErrorBody whose code maps to one status (ERROR_STATUS).',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: {
        ...componentSchemas(SCHEMAS.requests, 'input'),
        ...componentSchemas({ ...SCHEMAS.responses, ErrorBody: ErrorBodySchema }, 'output'),
      },
      responses: Object.fromEntries(Object.entries(errorResponses).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        apiToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            `An API token (VOUCHSAFE_API_TOKENS bootstrap, or a stored one from /api/v1/admin/api-tokens). Scopes: ${API_TOKEN_SCOPES.join(', ')}; ` +
            'each operation names the scope it needs.',
        },
        sidebarSession: {
          type: 'apiKey',
          in: 'header',
          name: SESSION_HEADER,
          description: 'The sidebar session from POST /api/v1/sessions/{desk} (never in Authorization).',
        },
        forgeInvocationToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The Forge Invocation Token that Forge Remote adds (Jira sidebar only).',
        },
        operatorSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'vouchsafe-operator',
          description: `The operator session cookie (\`__Host-vouchsafe-operator\` over https); non-GET requests also send ${OPERATOR_CSRF_HEADER}.`,
        },
        revokeToken: {
          type: 'apiKey',
          in: 'header',
          name: REVOKE_TOKEN_HEADER,
          description: "The secret's revoke token from its create answer.",
        },
      },
    },
  };
}

/** The document as committed: two-space JSON with a final newline. */
export const renderOpenApiDocument = (): string => `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
