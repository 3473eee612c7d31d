import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (services/api/src -> ../../..): default home of .data/ and apps/portal/dist. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
