import { readFile, stat, writeFile } from 'node:fs/promises';
import type { ReadStream } from 'node:tty';
import { LIMITS, formatBytes, passphraseProblem, secretFileProblem, secretTextProblem } from '@vouchsafe/contracts';
import path from 'node:path';
import {
  buildSecretLink,
  deriveChecks,
  fromBase64Url,
  openSecret,
  parseSecretLink,
  sealSecret,
  toBase64Url,
  type SecretPayload,
} from '@vouchsafe/crypto';
import { vaultClient } from './http-client';
import { CliError, type Out } from './cli-support';
import { promptHidden, readLimited, resolvePassphrase, withoutFinalNewline } from './secret-input';

/** "30m", "1h", "7d", "90s" or plain seconds → seconds, refused in --ttl's own words. */
export function parseTtl(value: string): number {
  const m = /^(\d+)\s*(s|m|min|h|d)?$/i.exec(value.trim());
  if (!m) throw new CliError(`--ttl "${value}" is not a duration like 30m, 1h or 7d.`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const factor = unit === 'd' ? 86_400 : unit === 'h' ? 3_600 : unit === 'm' || unit === 'min' ? 60 : 1;
  const seconds = n * factor;
  if (seconds < LIMITS.ttlMinSeconds) throw new CliError('--ttl must be at least 5 minutes (for example --ttl 5m).');
  if (seconds > LIMITS.ttlMaxSeconds) throw new CliError('--ttl must be at most 30 days (for example --ttl 30d).');
  return seconds;
}

export function parseViews(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < LIMITS.viewsMin || n > LIMITS.viewsMax) {
    throw new CliError(`--views must be a whole number from ${LIMITS.viewsMin} to ${LIMITS.viewsMax}.`);
  }
  return n;
}

const MEDIA_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.zip': 'application/zip',
  '.json': 'application/json',
  '.csv': 'text/csv',
};

/** The terminal or pipe the secret may come from (the process's stdin; a stream in tests). */
export interface SecretStdin {
  stream: NodeJS.ReadableStream;
  /** A terminal: ask with echo off instead of reading until end of input. */
  tty?: ReadStream;
}

export interface CreateOptions {
  api: string;
  token: string | undefined;
  /** Unsafe (shell history, process list): kept for scripts, with a warning on stderr. */
  text?: string;
  /** A path, or "-" for stdin. */
  file?: string;
  /** The file name the recipient sees for `--file -` (default "stdin.bin"). */
  name?: string;
  ttl?: string;
  views?: string;
  /** Unsafe (shell history, process list): kept for scripts, with a warning on stderr. Prefer passphraseFile. */
  passphrase?: string;
  /** A file whose first line is the passphrase. */
  passphraseFile?: string;
  label?: string;
  cwd: string;
  /** The deployment's file limit (VOUCHSAFE_MAX_FILE_BYTES), default the API's default. */
  maxFileBytes?: number;
  stdin: SecretStdin;
  /** Warnings and prompts (stderr): never the secret. */
  warn: NodeJS.WritableStream;
}

export const TEXT_ARG_WARNING =
  'warning: --text puts the secret in your shell history and the process list. Pipe it instead: … | vouchsafe secret create';

const sentence = (problem: string | undefined): void => {
  if (problem !== undefined) throw new CliError(problem);
};

async function fileFromPath(o: CreateOptions, file: string, limit: number): Promise<SecretPayload> {
  const full = path.resolve(o.cwd, file);
  // Stat first: a file over the limit is refused before it is read, let alone encrypted or uploaded.
  let size: number;
  try {
    const st = await stat(full);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    throw new CliError(`Cannot read the file ${file}.`);
  }
  sentence(secretFileProblem(size, limit));
  let bytes: Buffer;
  try {
    bytes = await readFile(full);
  } catch {
    throw new CliError(`Cannot read the file ${file}.`);
  }
  sentence(secretFileProblem(bytes.length, limit));
  const name = path.basename(full);
  return {
    kind: 'file',
    name,
    type: MEDIA_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream',
    bytes: new Uint8Array(bytes),
  };
}

async function readPayload(o: CreateOptions): Promise<SecretPayload> {
  const limit = o.maxFileBytes ?? LIMITS.fileBytesDefault;
  if (o.file === '-') {
    const bytes = await readLimited(o.stdin.stream, limit, () => `The input is larger than the file limit of ${formatBytes(limit)}.`);
    sentence(secretFileProblem(bytes.length, limit));
    const name = o.name ?? 'stdin.bin';
    return {
      kind: 'file',
      name,
      type: MEDIA_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream',
      bytes: new Uint8Array(bytes),
    };
  }
  if (o.file !== undefined) return fileFromPath(o, o.file, limit);
  let text: string;
  if (o.text !== undefined) {
    o.warn.write(`vouchsafe: ${TEXT_ARG_WARNING}\n`);
    text = o.text;
  } else if (o.stdin.tty) {
    text = await promptHidden('Secret (typing is hidden; Enter sends): ', o.stdin.tty, o.warn);
  } else {
    // Read a little past the text limit, so the size message can say how much too large it is.
    const bytes = await readLimited(
      o.stdin.stream,
      LIMITS.textBytes * 2,
      () =>
        `The input is larger than ${formatBytes(LIMITS.textBytes * 2)}; text secrets can be at most ${formatBytes(LIMITS.textBytes)}. Send it as a file: --file -`,
    );
    text = withoutFinalNewline(bytes.toString('utf8'));
  }
  sentence(secretTextProblem(text));
  return { kind: 'text', text };
}

export async function createSecretCommand(o: CreateOptions, out: Out): Promise<void> {
  if (o.text !== undefined && o.file !== undefined) throw new CliError('Give --text or --file, not both (or pipe the secret on stdin).');
  if (!o.token) throw new CliError('An API token is needed: pass --token or set VOUCHSAFE_TOKEN.');
  // Every option is checked before the secret is read or anything is sent.
  const ttlSeconds = o.ttl === undefined ? undefined : parseTtl(o.ttl);
  const views = o.views === undefined ? undefined : parseViews(o.views);
  if (o.label !== undefined && (o.label.trim() === '' || [...o.label].length > LIMITS.labelMaxChars)) {
    throw new CliError(`--label must be 1 to ${LIMITS.labelMaxChars} characters.`);
  }
  const passphrase = await resolvePassphrase(o);
  if (passphrase !== undefined) sentence(passphraseProblem(passphrase)?.replace(/^A passphrase/, 'The passphrase'));
  const payload = await readPayload(o);
  const sealed = await sealSecret(payload, passphrase ? { passphrase } : {});
  const created = await vaultClient(o.api, o.token).create({
    kind: payload.kind,
    ciphertext: toBase64Url(sealed.ciphertext),
    keyCheck: toBase64Url(sealed.keyCheck),
    ...(sealed.passphraseSalt && sealed.passphraseCheck
      ? { passphraseSalt: toBase64Url(sealed.passphraseSalt), passphraseCheck: toBase64Url(sealed.passphraseCheck) }
      : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
    ...(views !== undefined ? { views } : {}),
    ...(o.label !== undefined ? { label: o.label } : {}),
  });
  out.info(`expires: ${created.expiresAt}`);
  out.info(`views: ${created.views}`);
  out.info(`revoke-token: ${created.revokeToken}`);
  out.result(buildSecretLink(o.api, created.id, sealed.linkKey));
}

export interface RevealOptions {
  link: string;
  passphrase?: string;
  passphraseFile?: string;
  /** Warnings (stderr). */
  warn?: NodeJS.WritableStream;
  out?: string;
  cwd: string;
  api?: string;
}

export async function revealSecretCommand(o: RevealOptions, out: Out): Promise<void> {
  const { origin, id, tenant, linkKey } = parseSecretLink(o.link);
  // A help-desk tenant's link (/t/{tenant}/s/{id}) reveals through that tenant's API prefix.
  const client = vaultClient(o.api ?? origin, undefined, tenant);
  const passphrase = await resolvePassphrase(o);
  const meta = await client.metadata(id);
  if (meta.needsPassphrase && !passphrase) {
    throw new CliError('This secret is protected by a passphrase: pass --passphrase-file F (a file whose first line is it).');
  }
  const salt = meta.passphraseSalt ? fromBase64Url(meta.passphraseSalt) : undefined;
  const passOpts = passphrase && salt ? { passphrase, passphraseSalt: salt } : {};
  const checks = await deriveChecks(linkKey, passOpts);
  const revealed = await client.reveal(
    id,
    toBase64Url(checks.keyCheck),
    checks.passphraseCheck ? toBase64Url(checks.passphraseCheck) : undefined,
  );
  const payload = await openSecret(fromBase64Url(revealed.ciphertext), linkKey, passOpts);
  const gone = revealed.viewsLeft === 0 ? 'The secret has now been deleted from Vouchsafe.' : `${revealed.viewsLeft} view(s) left.`;
  if (payload.kind === 'text') {
    if (o.out) {
      await writeFile(path.resolve(o.cwd, o.out), payload.text, { mode: 0o600 });
      out.info(`Wrote the secret to ${o.out}. ${gone}`);
    } else {
      out.info(gone);
      out.result(payload.text);
    }
    return;
  }
  const target = path.resolve(o.cwd, o.out ?? path.basename(payload.name));
  await writeFile(target, payload.bytes, { mode: 0o600, flag: o.out ? 'w' : 'wx' });
  out.info(`Wrote ${payload.name} (${payload.bytes.length} bytes, ${payload.type}) to ${path.relative(o.cwd, target) || target}. ${gone}`);
}

export async function revokeSecretCommand(o: { link: string; revokeToken?: string; api?: string }, out: Out): Promise<void> {
  if (!o.revokeToken) throw new CliError('Pass --revoke-token (printed when the secret was created).');
  // Revoking needs no link key: accept the link with or without its fragment.
  let url: URL;
  try {
    url = new URL(o.link);
  } catch {
    throw new CliError('That is not a Vouchsafe link (expected https://…/s/<id>#<key>).');
  }
  const m = /^(?:\/t\/([a-z0-9][a-z0-9-]{1,39}))?\/s\/([A-Za-z0-9_-]{22})\/?$/.exec(url.pathname);
  if (!m) throw new CliError('That is not a Vouchsafe link (expected https://…/s/<id>#<key> or https://…/t/<tenant>/s/<id>#<key>).');
  await vaultClient(o.api ?? url.origin, undefined, m[1]).revoke(m[2]!, o.revokeToken);
  out.result('Revoked: the secret has been deleted and its link no longer works.');
}
