import { hostOfUrl, urlIssues, type IdpDescriptor } from '../descriptor';
import { createOidcProvider, OidcStateSchema } from './oidc.provider';

export const oidcDescriptor: IdpDescriptor<'oidc'> = {
  kind: 'oidc',
  name: 'The sign-in provider',
  methods: ['oidc'],
  methodsOf: () => ['oidc'],
  publicSettings: (config) => ({
    issuer: config.issuer,
    clientId: config.clientId,
    flavor: config.flavor,
    subjectClaim: config.subjectClaim,
    scopes: config.scopes,
    hasClientSecret: config.clientSecret !== undefined,
    // Stand-in overrides (development and tests only): URLs, never credentials.
    ...(config.graph?.baseUrl ? { graphBaseUrl: config.graph.baseUrl } : {}),
    ...(config.graph?.tokenUrl ? { graphTokenUrl: config.graph.tokenUrl } : {}),
  }),
  async registrationIssues(config, outbound) {
    const issues = await urlIssues(outbound, { issuer: config.issuer });
    // Microsoft Graph is always https://graph.microsoft.com and its token comes from the issuer's own token endpoint:
    // pointing either elsewhere is for stand-ins only.
    for (const key of ['baseUrl', 'tokenUrl'] as const) {
      if (config.graph?.[key] !== undefined && !outbound.policy.isAnyAddressAllowed) {
        issues.push({
          path: `graph.${key}`,
          message: 'is only accepted when VOUCHSAFE_ALLOW_INSECURE_HELPDESKS is on (development and tests)',
        });
      }
    }
    return issues;
  },
  auditHost: (config) => hostOfUrl(config.issuer),
  stateSchema: OidcStateSchema,
  hasCallback: true,
  create: createOidcProvider,
};
