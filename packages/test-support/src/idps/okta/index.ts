export { loadOktaContract, OKTA_SPEC_PATH, type OktaContract, type OktaExchange, type OktaOperation } from './okta.contract';
export type { OktaAccessToken, OktaServiceApp, OktaServiceAppCredentials } from './okta.oauth';
export {
  OKTA_PUSH_LIFETIME_MS,
  OKTA_SEED_LOGINS,
  OktaState,
  type OktaFactor,
  type OktaFactorResult,
  type OktaOutcome,
  type OktaPendingPush,
  type OktaScript,
  type OktaTransaction,
  type OktaUser,
} from './okta.state';
export {
  createOktaStandIn,
  OKTA_TEST_API_TOKEN,
  startOktaStandIn,
  type OktaRequestLogEntry,
  type OktaStandIn,
  type OktaStandInOptions,
  type StartedOktaStandIn,
} from './okta.stand-in';
