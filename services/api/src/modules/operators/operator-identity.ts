import { createHash } from 'node:crypto';
import { maskIdentifiers } from '../../lib/mask';

/**
 * Who an operator is, as audit rows, logs and the console name them. The IdP's `sub` is immutable and carries no
 * contact detail at the IdPs banks run (Entra: a pairwise id; Okta `00u…`; Keycloak a UUID), so the actor is
 * `operator:<sub>`. A `sub` that is long or not printable ASCII is replaced by a digest (`sha256:<16 hex>`), so
 * nothing odd reaches a log line or a note. The label is for people: `name`, else `preferred_username`, else
 * `email`, always passed through the identifier masking (an email or a phone number never appears whole).
 */

const PRINTABLE = /^[\x21-\x7e]{1,200}$/;

export function operatorSubject(sub: unknown): string {
  const value = typeof sub === 'string' ? sub : String(sub);
  return PRINTABLE.test(value) ? value : `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

export const operatorActor = (subject: string): string => `operator:${subject}`;

export function operatorLabel(claims: Record<string, unknown>, subject: string): string {
  for (const name of ['name', 'preferred_username', 'email']) {
    const value = claims[name];
    if (typeof value === 'string' && value.trim() !== '') return maskIdentifiers(value.trim().slice(0, 100));
  }
  return subject;
}
