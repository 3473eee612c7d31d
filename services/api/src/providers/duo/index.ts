export { createDuoProvider, duoUsername, type DuoProviderOptions } from './duo.provider';
export type { DuoConfig } from './duo-auth.client';
