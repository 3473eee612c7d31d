import type { IdpConfig, IdpKind } from '@vouchsafe/contracts';

/**
 * One form per IdP kind (contracts IdpConfigSchema / IdpRegistrationSchema): the fields to show and how the typed
 * values become the body of PUT …/idp/:kind. The server validates (422 with `issues` by dotted path, shown beside the
 * field); secrets go in password fields and are never shown again (the server answers public settings only).
 */

export const IDP_KINDS: readonly IdpKind[] = ['okta', 'duo', 'oidc', 'twilio'];
export const IDP_LABELS: Readonly<Record<IdpKind, string>> = {
  okta: 'Okta',
  duo: 'Duo',
  oidc: 'OpenID Connect (Entra or generic)',
  twilio: 'Twilio Verify (callbacks)',
};

export interface IdpField {
  /** Dotted path in the body (`auth.apiToken`), also the key of the server's issue. */
  path: string;
  label: string;
  type: 'text' | 'url' | 'secret' | 'pem' | 'choice';
  choices?: ReadonlyArray<{ value: string; label: string }>;
  isOptional?: boolean;
  hint?: string;
  /** Shown only when another field has this value. */
  when?: { path: string; value: string };
}

export const IDP_FIELDS: Readonly<Record<IdpKind, readonly IdpField[]>> = {
  okta: [
    { path: 'orgUrl', label: 'Okta org URL', type: 'url', hint: 'https://acme.okta.com' },
    {
      path: 'authMode',
      label: 'Authenticate with',
      type: 'choice',
      choices: [
        { value: 'apiToken', label: 'API token' },
        { value: 'privateKey', label: 'OAuth service app (private key)' },
      ],
    },
    { path: 'auth.apiToken', label: 'API token', type: 'secret', when: { path: 'authMode', value: 'apiToken' } },
    { path: 'auth.clientId', label: 'Client id', type: 'text', when: { path: 'authMode', value: 'privateKey' } },
    { path: 'auth.privateKeyPem', label: 'Private key (PEM)', type: 'pem', when: { path: 'authMode', value: 'privateKey' } },
    { path: 'auth.keyId', label: 'Key id', type: 'text', isOptional: true, when: { path: 'authMode', value: 'privateKey' } },
  ],
  duo: [
    { path: 'apiHost', label: 'API host', type: 'text', hint: 'api-1234abcd.duosecurity.com' },
    { path: 'integrationKey', label: 'Integration key', type: 'text' },
    { path: 'secretKey', label: 'Secret key', type: 'secret' },
    { path: 'universal.clientId', label: 'Universal Prompt client id', type: 'text', isOptional: true },
    { path: 'universal.clientSecret', label: 'Universal Prompt client secret', type: 'secret', isOptional: true },
  ],
  oidc: [
    {
      path: 'flavor',
      label: 'Provider',
      type: 'choice',
      choices: [
        { value: 'generic', label: 'Generic OpenID Connect (people by verified email)' },
        { value: 'entra', label: 'Microsoft Entra (people by object id)' },
      ],
    },
    { path: 'issuer', label: 'Issuer', type: 'url', hint: 'Entra: https://login.microsoftonline.com/<tenant-id>/v2.0' },
    { path: 'clientId', label: 'Client id', type: 'text' },
    { path: 'clientSecret', label: 'Client secret', type: 'secret', isOptional: true, hint: 'Required for Entra' },
  ],
  twilio: [
    { path: 'accountSid', label: 'Account SID', type: 'text', hint: 'AC…' },
    { path: 'authToken', label: 'Auth token', type: 'secret' },
    { path: 'serviceSid', label: 'Verify service SID', type: 'text', hint: 'VA…' },
  ],
};

/** The initial values of a kind's form (choices preselected). */
export function emptyValues(kind: IdpKind): Record<string, string> {
  return Object.fromEntries(IDP_FIELDS[kind].map((f) => [f.path, f.choices?.[0]?.value ?? '']));
}

export const isShown = (field: IdpField, values: Record<string, string>): boolean =>
  !field.when || values[field.when.path] === field.when.value;

/**
 * The body of PUT …/idp/:kind from the form: shown fields only, empty optional ones left out, dotted paths nested.
 * Form-only fields (`authMode`) are not sent; an OIDC connection names people by the claim its flavor requires.
 */
export function idpConfigOf(kind: IdpKind, values: Record<string, string>): IdpConfig {
  const body: Record<string, unknown> = { kind };
  for (const field of IDP_FIELDS[kind]) {
    if (field.path === 'authMode' || !isShown(field, values)) continue;
    const value = (values[field.path] ?? '').trim();
    if (value === '' && field.isOptional) continue;
    const keys = field.path.split('.');
    let node = body;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[keys[keys.length - 1]!] = field.type === 'pem' ? value.replace(/\r\n/g, '\n') : value;
  }
  if (kind === 'oidc') body.subjectClaim = values.flavor === 'entra' ? 'oid' : 'email';
  // The server parses; it answers 422 naming each field that is not right.
  return body as unknown as IdpConfig;
}

/** The server's issues by field: an issue on `auth` or `universal` goes to the first shown field under it. */
export function fieldErrors(kind: IdpKind, values: Record<string, string>, issues: ReadonlyArray<{ path: string; message: string }>) {
  const shown = IDP_FIELDS[kind].filter((f) => isShown(f, values)).map((f) => f.path);
  const errors: Record<string, string> = {};
  const rest: string[] = [];
  for (const issue of issues) {
    const target = shown.find((p) => p === issue.path) ?? shown.find((p) => p.startsWith(`${issue.path}.`));
    if (target) errors[target] ??= issue.message;
    else rest.push(`${issue.path}: ${issue.message}`);
  }
  return { errors, rest };
}
