import type { IdpConfig, IdpKind, VerificationMethod } from '@vouchsafe/contracts';
import type { IdpDescriptor, ProviderConstructor } from './descriptor';
import { duoDescriptor } from './duo/descriptor';
import { oidcDescriptor } from './oidc/descriptor';
import { oktaDescriptor } from './okta/descriptor';
import { twilioDescriptor } from './twilio/descriptor';

/** One line per identity-provider kind. Adding an IdP: a folder with its descriptor, and a line here. */
export const IDP_DESCRIPTORS: { readonly [K in IdpKind]: IdpDescriptor<K> } = {
  okta: oktaDescriptor,
  duo: duoDescriptor,
  oidc: oidcDescriptor,
  twilio: twilioDescriptor,
};

export const IDP_KINDS = Object.keys(IDP_DESCRIPTORS) as IdpKind[];

export const isIdpKind = (value: unknown): value is IdpKind => typeof value === 'string' && Object.hasOwn(IDP_DESCRIPTORS, value);

/** The descriptor of a connection's kind, typed to that connection. */
export function descriptorOf<K extends IdpKind>(config: Extract<IdpConfig, { kind: K }>): IdpDescriptor<K> {
  return IDP_DESCRIPTORS[config.kind];
}

/** The IdP kind each method needs (derived: each method belongs to exactly one descriptor). */
export const IDP_OF_METHOD = Object.fromEntries(
  IDP_KINDS.flatMap((kind) => IDP_DESCRIPTORS[kind].methods.map((method) => [method, kind])),
) as Readonly<Record<VerificationMethod, IdpKind>>;

export type ProviderConstructors = { [K in IdpKind]: ProviderConstructor<K> };

/** The built-in constructors, by kind. */
export const BUILT_IN_CONSTRUCTORS = Object.fromEntries(
  IDP_KINDS.map((kind) => [kind, IDP_DESCRIPTORS[kind].create]),
) as ProviderConstructors;
