import { z } from 'zod';

/**
 * Puts zod in jitless mode for browser code. Zod 4 otherwise probes `new Function('')` while it builds the first
 * object schema, to decide whether it may compile fast parsers; under our pages' CSP (no 'unsafe-eval') the probe
 * fails quietly, but the browser reports a `securitypolicyviolation` on every load, which buries real violations.
 *
 * It must run before any schema exists, and contracts builds its schemas when its modules load. So this lives
 * at its own subpath (`@vouchsafe/contracts/zod-browser`, which loads nothing but zod), and each browser entry
 * calls it from a module it imports first (e.g. apps/zendesk/src/zod-jitless.ts). Never on the server: compiled
 * parsers keep the API fast.
 */
export function configureZodForBrowser(): void {
  z.config({ jitless: true });
}
