import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The slice of oidc-provider 8 (panva; ships no type declarations) the peer uses. It is loaded with a dynamic import
 * of a non-literal specifier so neither this package nor the API's type check needs declarations for it.
 */
export interface InteractionDetails {
  uid: string;
  prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
  params: Record<string, unknown>;
  session?: { accountId?: string };
  grantId?: string;
}

export interface GrantInstance {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(indicator: string, scope: string): void;
  save(): Promise<string>;
}

export interface GrantModel {
  new (properties: { accountId?: string; clientId: string }): GrantInstance;
  find(id: string): Promise<GrantInstance | undefined>;
}

export interface OidcProviderInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): void;
  readonly Grant: GrantModel;
}

export type OidcProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => OidcProviderInstance;

/** What oidc-provider hands loadExistingGrant / findAccount (a Koa context with `oidc`). */
export interface OidcKoaContext {
  oidc: {
    provider: OidcProviderInstance;
    client: { clientId: string };
    session: { accountId?: string; grantIdFor(clientId: string): string | undefined };
    result?: { consent?: { grantId?: string } };
    requestParamScopes: Set<string>;
    requestParamClaims: Set<string>;
  };
}

export async function loadOidcProvider(): Promise<OidcProviderConstructor> {
  const specifier = 'oidc-provider';
  const mod = (await import(specifier)) as { default: OidcProviderConstructor };
  return mod.default;
}
