// Typing for the values the global setup provides to test files (vitest's provide/inject).
declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the `postgres` database on this run's throwaway cluster. */
    pgAdminUrl: string;
    /** SoftHSM2's module and token tool (vitest-softhsm-setup.ts), or why it could not be installed. */
    softHsm: { modulePath: string; util: string } | { error: string };
  }
}

export const PG_ADMIN_URL_KEY = 'pgAdminUrl';
export const SOFTHSM_KEY = 'softHsm';
