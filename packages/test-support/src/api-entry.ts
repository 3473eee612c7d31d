import path from 'node:path';
import { API_DIR } from './repo';

/**
 * Which API artefact test processes run. Unset: the sources through tsx (`src/main.ts`, `bin/vouchsafe.mjs`), as in
 * development. Set (to the API's `dist` folder) by `@vouchsafe/test-support/vitest-api-build-setup`, which builds it
 * once per vitest run: then `startApi` and the CLI tests run the production build (`node dist/main.js`,
 * `node dist/cli/main.js`), which is what ships and starts ~0.5–1 s faster per process than tsx compiling the sources.
 * The variable is inherited by the vitest workers, so a test never runs a build older than its own run.
 */
export const API_DIST_ENV = 'VOUCHSAFE_TEST_API_DIST';

/** The API's TypeScript entry point (run with `node --import tsx`): the development path. */
export const API_MAIN_SOURCE = path.join(API_DIR, 'src', 'main.ts');
/** The `vouchsafe` CLI as a developer runs it (`bin/vouchsafe.mjs` registers tsx and loads `src/cli/main.ts`). */
export const API_CLI_SOURCE = path.join(API_DIR, 'bin', 'vouchsafe.mjs');

function builtDir(): string | undefined {
  const dir = process.env[API_DIST_ENV];
  return dir ? dir : undefined;
}

/** The API entry `startApi` runs by default: the run's build when there is one, else the sources. */
export function apiMainEntry(): string {
  const dir = builtDir();
  return dir ? path.join(dir, 'main.js') : API_MAIN_SOURCE;
}

/** The script to run with `node` for the `vouchsafe` CLI: the run's build when there is one, else `bin/vouchsafe.mjs`. */
export function apiCliEntry(): string {
  const dir = builtDir();
  return dir ? path.join(dir, 'cli', 'main.js') : API_CLI_SOURCE;
}

/** `node` arguments that run the API entry `apiMainEntry()` (tsx only for the TypeScript sources). */
export function apiMainArgv(): string[] {
  const entry = apiMainEntry();
  return entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
}
