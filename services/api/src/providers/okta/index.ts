export {
  createOktaProvider,
  OKTA_UNKNOWN_STATE,
  outcomeFromFactorResult,
  transactionIdFromPollLink,
  type OktaProviderOptions,
} from './okta.provider';
export type { OktaConfig } from './okta.client';
