export { createOidcProvider, type OidcProviderOptions, type OidcProviderState } from './oidc.provider';
export { clearOidcCaches } from './oidc.discovery';
