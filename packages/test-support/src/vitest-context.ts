// Typing for the values the global setup provides to test files (vitest's provide/inject).
declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the `postgres` database on this run's throwaway cluster. */
    pgAdminUrl: string;
  }
}

export const PG_ADMIN_URL_KEY = 'pgAdminUrl';
