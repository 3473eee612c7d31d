export type { NextLogin, OidcFlavor, PeerAccount } from './oidc.interaction';
export {
  startOidcPeer,
  type OidcPeer,
  type OidcPeerClient,
  type OidcPeerDirectoryUser,
  type OidcPeerIdpConfig,
  type OidcPeerOptions,
  type PeerRequest,
} from './oidc.peer';
export type { SignInForm } from './oidc.sign-in';
