import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderOpenApiDocument } from './document';

/** `pnpm openapi`: writes services/api/openapi.json (committed; test/openapi.test.ts fails when it is stale). */
export const OPENAPI_FILE = fileURLToPath(new URL('../../openapi.json', import.meta.url));

writeFileSync(OPENAPI_FILE, renderOpenApiDocument());
console.log(`wrote ${OPENAPI_FILE}`);
