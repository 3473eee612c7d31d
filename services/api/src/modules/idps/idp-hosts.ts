import type { IdpConfig } from '@vouchsafe/contracts';
import { AppError } from '../../errors';
import { oktaPrivateKeyProblem } from '../../lib/key-material';
import type { Outbound } from '../../lib/outbound';

/**
 * What an IdP connection may point Vouchsafe at (S12) and which keys it may carry (item 12c), checked before it is
 * stored: 422 naming each field. URLs (Okta orgUrl, OIDC issuer, Twilio baseUrl) follow the outbound rules (https, no
 * credentials or fragment, public or operator-allowed host, a name that resolves now must resolve to allowed
 * addresses); providers check again at every connect. Okta's private key must parse (RSA ≥ 2048 bits or EC P-256).
 * The Duo SDKs have no connection hook (providers/duo/NOTES.md), so a Duo API host must be one of Duo's own names,
 * whatever the policy, unless the development flag is on.
 */

type IdpOutbound = Pick<Outbound, 'registrationProblem' | 'policy'>;

const DUO_HOST = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.duo(?:security|federal)\.com$/;

function duoHostProblem(apiHost: string, outbound: IdpOutbound): string | undefined {
  if (outbound.policy.isAnyAddressAllowed) return undefined;
  return DUO_HOST.test(apiHost)
    ? undefined
    : 'must be a Duo API host (api-….duosecurity.com or api-….duofederal.com, without a port); other hosts only with VOUCHSAFE_ALLOW_INSECURE_HELPDESKS, in development and tests';
}

export async function refuseUnsafeIdp(config: IdpConfig, outbound: IdpOutbound): Promise<void> {
  const checks: Promise<{ path: string; message: string | undefined }>[] = [];
  const url = (path: string, value: string | undefined) => checks.push((async () => ({ path, message: value === undefined ? undefined : await outbound.registrationProblem(value) }))());
  if (config.kind === 'okta') {
    url('orgUrl', config.orgUrl);
    if ('privateKeyPem' in config.auth) checks.push(Promise.resolve({ path: 'auth.privateKeyPem', message: oktaPrivateKeyProblem(config.auth.privateKeyPem) }));
  }
  if (config.kind === 'oidc') {
    url('issuer', config.issuer);
    // Microsoft Graph is always https://graph.microsoft.com and its token comes from the issuer's own token endpoint:
    // pointing either elsewhere is for stand-ins only.
    for (const key of ['baseUrl', 'tokenUrl'] as const) {
      if (config.graph?.[key] !== undefined && !outbound.policy.isAnyAddressAllowed) {
        checks.push(Promise.resolve({ path: `graph.${key}`, message: 'is only accepted when VOUCHSAFE_ALLOW_INSECURE_HELPDESKS is on (development and tests)' }));
      }
    }
  }
  if (config.kind === 'twilio') url('baseUrl', config.baseUrl);
  if (config.kind === 'duo') checks.push(Promise.resolve({ path: 'apiHost', message: duoHostProblem(config.apiHost, outbound) }));
  const issues = (await Promise.all(checks)).filter((i): i is { path: string; message: string } => i.message !== undefined);
  if (issues.length > 0) {
    throw new AppError('validation_failed', `The request is not valid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`, { issues });
  }
}
