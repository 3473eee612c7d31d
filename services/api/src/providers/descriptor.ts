import type { z } from 'zod';
import type { IdpConfig, IdpKind, VerificationMethod, VerificationPolicy } from '@vouchsafe/contracts';
import type { Outbound } from '../lib/outbound';
import type { VerificationProvider } from './provider.types';

/**
 * Everything Vouchsafe knows about one kind of identity provider, in the provider's own folder: its name, the methods
 * it can offer (and which a given connection offers), what of its settings an admin may see again, what must be
 * checked before a connection is stored, and the factory. The registry (registry.ts) lists one line per kind; nothing
 * else switches on the kind. The settings schema is the kind's branch of contracts' IdpConfigSchema.
 */

export type IdpSettings = Record<string, string | boolean | string[]>;

export interface ProviderOptions {
  timeoutMs: number;
  policy?: VerificationPolicy;
  /** The one outbound-connection guard (S12); Duo's SDKs have no hook and rely on its host rule (providers/duo/NOTES.md). */
  outbound: Outbound;
}

export type ProviderConstructor<K extends IdpKind> = (
  config: Extract<IdpConfig, { kind: K }>,
  opts: ProviderOptions,
) => VerificationProvider;

/** A field of a connection that failed a registration check: 422 names `path`. */
export interface RegistrationIssue {
  path: string;
  message: string;
}

/** What registration checks may use: the outbound rules (URLs) and whether the development flag is on. */
export type RegistrationOutbound = Pick<Outbound, 'registrationProblem' | 'policy'>;

export interface IdpDescriptor<K extends IdpKind> {
  readonly kind: K;
  /** How the product names it to an agent ("Okta", "Twilio Verify"). */
  readonly name: string;
  /** Every method this kind can offer. */
  readonly methods: readonly VerificationMethod[];
  /** The methods a stored connection offers, from its public settings (Duo's link needs its Universal Prompt app). */
  methodsOf(settings: Record<string, unknown>): VerificationMethod[];
  /** What an admin may see again: no token, key, secret or private key. */
  publicSettings(config: Extract<IdpConfig, { kind: K }>): IdpSettings;
  /** URLs that must pass the outbound rules (field path → URL), and any other checks; empty when all is well. */
  registrationIssues(config: Extract<IdpConfig, { kind: K }>, outbound: RegistrationOutbound): Promise<RegistrationIssue[]>;
  /** The host (never a URL) an audit reader should see when the connection is pointed somewhere. */
  auditHost(config: Extract<IdpConfig, { kind: K }>): string | null;
  /** What the kind's provider stores on a verification (`provider_state`) and reads back. */
  readonly stateSchema: z.ZodType<Record<string, unknown>>;
  /** Whether link methods of this kind come back to `/verify/callback/<kind>`. */
  readonly hasCallback: boolean;
  readonly create: ProviderConstructor<K>;
}

/** Checks `urls` (path → URL or undefined) against the outbound rules. */
export async function urlIssues(outbound: RegistrationOutbound, urls: Record<string, string | undefined>): Promise<RegistrationIssue[]> {
  const checked = await Promise.all(
    Object.entries(urls).map(async ([path, url]) => ({
      path,
      message: url === undefined ? undefined : await outbound.registrationProblem(url),
    })),
  );
  return checked.filter((i): i is RegistrationIssue => i.message !== undefined);
}

export const hostOfUrl = (url: string | undefined): string | null => {
  if (url === undefined) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
};
