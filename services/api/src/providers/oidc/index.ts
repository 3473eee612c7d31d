import { clearGraphTokens } from './entra.graph';
import { clearOidcCaches as clearDiscovery } from './oidc.discovery';

export { createOidcProvider, type OidcProviderOptions, type OidcProviderState } from './oidc.provider';

/** Tests: forget cached discovery documents, key sets and Microsoft Graph tokens. */
export function clearOidcCaches(): void {
  clearDiscovery();
  clearGraphTokens();
}
