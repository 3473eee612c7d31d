import { oktaPrivateKeyProblem } from '../../lib/key-material';
import { hostOfUrl, urlIssues, type IdpDescriptor } from '../descriptor';
import { createOktaProvider, OktaStateSchema } from './okta.provider';

export const oktaDescriptor: IdpDescriptor<'okta'> = {
  kind: 'okta',
  name: 'Okta',
  methods: ['okta_push'],
  methodsOf: () => ['okta_push'],
  publicSettings: (config) =>
    'apiToken' in config.auth
      ? { orgUrl: config.orgUrl, auth: 'api_token' }
      : {
          orgUrl: config.orgUrl,
          auth: 'private_key',
          clientId: config.auth.clientId,
          scopes: config.auth.scopes,
          ...(config.auth.keyId ? { keyId: config.auth.keyId } : {}),
        },
  async registrationIssues(config, outbound) {
    const issues = await urlIssues(outbound, { orgUrl: config.orgUrl });
    const keyProblem = 'privateKeyPem' in config.auth ? oktaPrivateKeyProblem(config.auth.privateKeyPem) : undefined;
    return keyProblem ? [...issues, { path: 'auth.privateKeyPem', message: keyProblem }] : issues;
  },
  auditHost: (config) => hostOfUrl(config.orgUrl),
  stateSchema: OktaStateSchema,
  hasCallback: false,
  create: createOktaProvider,
};
