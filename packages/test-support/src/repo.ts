import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (this file is `<root>/packages/test-support/src/repo.ts`). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** `<root>/services/api`: where the API's entry points and its `tsx` dependency live. */
export const API_DIR = path.join(REPO_ROOT, 'services', 'api');
