import type { RequestHandler } from 'express';
import { renderOpenApiDocument } from './document';

/**
 * `GET /api/v1/openapi.json`: the document, no auth (it describes the surface, holds no data). Built on the first
 * request (a few milliseconds of zod → JSON Schema) and kept: it depends only on code, so it may be cached a while.
 */
export function openApiRoute(): RequestHandler {
  let body: string | undefined;
  return (_req, res) => {
    body ??= renderOpenApiDocument();
    res.set('Cache-Control', 'public, max-age=3600').type('application/json').send(body);
  };
}
