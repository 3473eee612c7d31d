/**
 * `vouchsafe help`, `vouchsafe help <command>` and `vouchsafe <command> --help`: one entry per
 * command, so the overview and each command's page never disagree.
 */

interface CommandHelp {
  /** "secret create": the words typed before the options. */
  name: string;
  /** Options and arguments, after the name. */
  synopsis: string;
  /** One line for the overview. */
  summary: string;
  /** More, for the command's own page. */
  details?: string;
}

export const COMMANDS: readonly CommandHelp[] = [
  {
    name: 'secret create',
    synopsis: '[--file F | --file -] [--ttl 1h] [--views N] [--passphrase-file F] [--label L]',
    summary: 'encrypt locally, store, print the link (last line); the secret comes from stdin or a hidden prompt',
    details: `The secret is read, in this order of preference:
  printf '%s' "$SECRET" | vouchsafe secret create      piped on stdin (one final newline is dropped)
  vouchsafe secret create                             typed at a prompt that does not echo (on a terminal)
  vouchsafe secret create --file report.pdf           a file (checked against the size limit before it is read)
  … | vouchsafe secret create --file - [--name N]     a file from stdin, named N for the recipient
  --text T                                            UNSAFE, kept for old scripts: the secret lands in shell
                                                      history and the process list; a warning is printed
Options:
  --ttl D         how long the link works: 5m to 30d (s, m, h, d; default 24h)
  --views N       how many times it can be opened, 1 to 10 (default 1)
  --passphrase-file F
                  also needed to open it: the file's first line, at least 8 characters; tell it to the
                  recipient another way (--passphrase P works too, with a warning: argv is in shell history)
  --label L       a note for your own records, 1 to 120 characters (identifiers in it are masked)
Limits: text up to 64.0 KiB, files up to 10.0 MiB (VOUCHSAFE_MAX_FILE_BYTES if the API was given another limit).
Output: expires, views and revoke-token lines, then the link as the last line of stdout.`,
  },
  {
    name: 'secret reveal',
    synopsis: 'LINK [--passphrase-file F] [--out F]',
    summary: 'reveal (consumes a view), print text or write the file',
  },
  { name: 'secret revoke', synopsis: 'LINK --revoke-token R', summary: 'delete the secret now' },
  {
    name: 'keys generate',
    synopsis: '[--kid K] | --token NAME --scopes S[,S…] | --audit [--kid K] | --hsm-label L',
    summary: 'print a new key or API token entry (last line)',
    details: `  keys generate [--kid K]             a new VOUCHSAFE_KEYS entry
  keys generate --token NAME --scopes S[,S…]
                                      a new VOUCHSAFE_API_TOKENS entry NAME:S+S:<token>; scopes: secrets (create
                                      secrets), admin (tenants, IdPs, policy), metrics, auditor (read-only audit)
  keys generate --audit [--kid K]     a new VOUCHSAFE_AUDIT_SIGNING_KEY and, before it, its public key for
                                      verifiers (\`public kid:base64url\`)
  keys generate --hsm-label L         a non-extractable AES-256 KEK labelled L in the PKCS#11 token
                                      (VOUCHSAFE_PKCS11_*); prints its kid pkcs11:L`,
  },
  {
    name: 'keys rotate',
    synopsis: '',
    summary:
      're-wrap every data key under the active KEK (the first VOUCHSAFE_PKCS11_KEYS label when a token is configured, else the first VOUCHSAFE_KEYS entry)',
  },
  {
    name: 'token create',
    synopsis: 'NAME --scopes S[,S…] [--days N]',
    summary: 'create an expiring API token (default 90 days, at most 366) with scopes your own token has; printed once (last line)',
  },
  { name: 'token list', synopsis: '', summary: 'API tokens: name, scopes, source, state, expiry, last use, creator' },
  { name: 'token revoke', synopsis: 'NAME', summary: 'revoke a token created with token create' },
  { name: 'db migrate', synopsis: '', summary: 'apply pending database migrations and exit (DATABASE_URL only; no keys)' },
  {
    name: 'audit verify',
    synopsis: '[--checkpoints DIR] [--file EXPORT.ndjson] [--public-key kid:x[,…]] [--no-seal]',
    summary: 'check the audit chain (the database, or an export file) against the signed checkpoints',
    details: `Default checkpoints: VOUCHSAFE_AUDIT_CHECKPOINT_DIR and the keys of VOUCHSAFE_AUDIT_SIGNING_KEY /
VOUCHSAFE_AUDIT_PUBLIC_KEYS. Exit 0 intact, 4 broken (each finding named), 1 error.`,
  },
  {
    name: 'audit export',
    synopsis: '--tenant SLUG [--since ISO] [--until ISO] [--format ndjson|csv] [--out FILE]',
    summary: "stream a tenant's sealed audit chain (stdout, or a new FILE)",
  },
  {
    name: 'audit receipt',
    synopsis: 'RECEIPT [--tenant SLUG] [--json]',
    summary: "check a note's receipt (auditor scope): its event, chain place, covering checkpoint and the note in the desk",
    details: 'Exit 1 when something is proven wrong (edited, missing, bad hash).',
  },
  {
    name: 'tenant add',
    synopsis: '[--file F]',
    summary: 'add a help-desk tenant from a JSON file (or stdin with - or no --file); credentials never on the command line',
  },
  { name: 'tenant list', synopsis: '', summary: 'list tenants (slug, desk, account, name, created)' },
  { name: 'tenant remove', synopsis: 'SLUG', summary: 'remove a help-desk tenant (its sessions and links stop working)' },
  {
    name: 'tenant idp set',
    synopsis: 'SLUG [--file F]',
    summary: 'connect an IdP (okta, duo, oidc, twilio) from a JSON file (or stdin); its secrets never on the command line',
  },
  { name: 'tenant idp list', synopsis: 'SLUG', summary: "list a tenant's IdP connections (public settings only)" },
  { name: 'tenant idp remove', synopsis: 'SLUG KIND', summary: 'disconnect an IdP' },
  { name: 'tenant policy show', synopsis: 'SLUG', summary: "print the tenant's verification policy (JSON, last lines)" },
  { name: 'tenant policy set', synopsis: 'SLUG [--file F]', summary: 'store a new policy version from a JSON file (or stdin)' },
];

const COMMON = `Every command accepts --api URL (env VOUCHSAFE_API_URL, default http://localhost:8080)
and --token T (env VOUCHSAFE_TOKEN; the local instance's token when running embedded).`;

export function overview(): string {
  const lines = COMMANDS.map((c) => `  ${c.name}${c.synopsis ? ` ${c.synopsis}` : ''}\n      ${c.summary}`);
  return `Usage: vouchsafe <command> [options]

${lines.join('\n')}

vouchsafe help <command> (or vouchsafe <command> --help) shows one command in full.
${COMMON}`;
}

/** The command named by the leading words of `words` ("tenant idp set acme" → "tenant idp set"), if any. */
export function findCommand(words: readonly string[]): CommandHelp | undefined {
  for (let n = Math.min(3, words.length); n > 0; n--) {
    const name = words.slice(0, n).join(' ');
    const found = COMMANDS.find((c) => c.name === name);
    if (found) return found;
  }
  return undefined;
}

/** One command's page, or the commands that start with these words ("secret" → its three commands). */
export function commandHelp(words: readonly string[]): string | undefined {
  const c = findCommand(words);
  if (c)
    return `Usage: vouchsafe ${c.name}${c.synopsis ? ` ${c.synopsis}` : ''}\n\n${c.summary}.\n${c.details ? `\n${c.details}\n` : ''}\n${COMMON}`;
  const prefix = words.join(' ');
  const group = COMMANDS.filter((x) => x.name.startsWith(`${prefix} `));
  if (prefix === '' || group.length === 0) return undefined;
  return `Usage: vouchsafe ${prefix} <command>\n\n${group.map((x) => `  ${x.name} ${x.synopsis}\n      ${x.summary}`).join('\n')}\n\n${COMMON}`;
}
