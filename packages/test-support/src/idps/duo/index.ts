/**
 * Duo stand-ins: Auth API v2 with real request-signature checks, the Universal Prompt (authorize page with
 * Approve / Deny, HS512 id_tokens) and a simulated Duo Mobile phone page. The Duo SDKs only speak HTTPS to pinned
 * CAs, so tests reach the stand-in through in-process interception (`@vouchsafe/test-support/duo-intercept`):
 *
 *   const duo = await startDuoStandIn();
 *   setDuoStandIn(duo.url);                         // in-process, after importing the intercept module
 *   startApi({ …, imports: [DUO_INTERCEPT_MODULE], env: { [DUO_STANDIN_ENV]: duo.url } });   // spawned API
 *   duo.setUser('priya.natarajan@customer.test', { outcome: 'manual', verifiedPush: true });
 *
 * The intercept module is not re-exported here: importing it patches https.request for the whole process.
 */
export {
  createDuoStandIn,
  startDuoStandIn,
  DUO_INTERCEPT_MODULE,
  DUO_STANDIN_ENV,
  DUO_TEST_CREDENTIALS,
  type DuoStandIn,
  type DuoStandInConfig,
  type DuoStandInOptions,
  type StartedDuoStandIn,
} from './duo.stand-in';
export {
  DuoState,
  seededDuoUsernames,
  type DuoDecision,
  type DuoDevice,
  type DuoLogEntry,
  type DuoPreauthResult,
  type DuoPushOutcome,
  type DuoTransaction,
  type DuoTxStatus,
  type DuoUser,
  type DuoUserScript,
} from './duo.state';
export { canonicalRequest, parseParams, percentEncode, signRequest, verifySignature, DUO_AUTH_ERRORS } from './duo.signature';
export { duoPromptUrlAt } from './duo-universal.stand-in';
