import type { ViteUserConfig } from 'vitest/config';

/** The Vite (and vitest) config of an operator console served by the API at `base` (`/review/`, `/admin/`). */
export function operatorConsoleConfig(base: `/${string}/`): ViteUserConfig;
