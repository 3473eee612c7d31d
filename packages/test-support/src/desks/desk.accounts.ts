/**
 * The fake desk accounts the stand-ins play, and the only credentials they accept. Test values, never real ones;
 * `tenants()` hands exactly these to the API.
 */
export const DESK_ACCOUNTS = {
  zendesk: {
    subdomain: 'acme',
    /** Installation id of the Vouchsafe app in the acme account: part of the signed-URL `aud`. */
    installationId: '360001234567',
    /** The app id (the public key is per app: /api/v2/apps/{app_id}/public_key.pem). */
    appId: '1077817',
    email: 'vouchsafe-integration@acme.test',
    apiToken: 'zd-test-api-token-9f2c41d7',
    oauthToken: 'zd-test-oauth-token-51aa09e3',
  },
  servicenow: {
    instance: 'acme',
    /** The `aud` the instance's JWT provider puts into tokens for Vouchsafe. */
    audience: 'vouchsafe',
    username: 'vouchsafe.integration',
    password: 'sn-test-password-7d3e92b0',
    oauthToken: 'sn-test-oauth-token-c81f6a25',
  },
  jira: {
    cloudId: 'b6a8e0f2-3c1d-4e5f-8a9b-0c1d2e3f4a5b',
    appId: 'ari:cloud:ecosystem::app/4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    installationId: 'ari:cloud:ecosystem::installation/9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b',
    environmentId: 'ari:cloud:ecosystem::environment/4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    moduleKey: 'vouchsafe-issue-context',
    projectKey: 'HELP',
    projectId: '10000',
    email: 'vouchsafe-integration@acme.test',
    apiToken: 'jira-test-api-token-3b7e05c9',
    /** Accepted as `Authorization: Bearer` (what Forge's `x-forge-oauth-system` would carry). */
    oauthToken: 'jira-test-oauth-token-e4d2a817',
  },
} as const;
