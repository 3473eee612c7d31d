/**
 * Local stand-ins of the identity providers Vouchsafe verifies callers with (Okta, Duo, OIDC, Twilio Verify). Each
 * speaks its vendor's wire format, keeps a request log and lets a test (or the demo desk's phone page) decide the
 * outcome of each push or code. One section per IdP; append yours below.
 */
export {};

// Okta: Management API (users, factors, push verify with number challenge, transaction status), org token endpoint
// for private-key OAuth, phone page at /__phone/okta, and the contract checker against ../shared/specs/okta.
export * from './okta';

// Duo: Auth API v2 + Universal Prompt + phone page (interception: @vouchsafe/test-support/duo-intercept).
export * from './duo';

// OIDC / Entra: a real oidc-provider 8 peer (login page with MFA checkbox, per-test claims, HTTP sign-in driver).
export * from './oidc';

// Microsoft Graph (with the identity platform's client-credentials token endpoint): the Entra user lookup.
export * from './graph';

// Twilio Verify v2: Verifications + VerificationCheck + cancel, sent codes for the phone page at /__phone/twilio/messages.
export * from './twilio';
