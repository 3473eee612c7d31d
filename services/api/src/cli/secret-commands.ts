import { readFile, writeFile } from 'node:fs/promises';
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

export function parseTtl(value: string): number {
  const m = /^(\d+)\s*(s|m|min|h|d)?$/i.exec(value.trim());
  if (!m) throw new CliError(`--ttl "${value}" is not a duration like 30m, 1h or 7d.`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const factor = unit === 'd' ? 86_400 : unit === 'h' ? 3_600 : unit === 'm' || unit === 'min' ? 60 : 1;
  return n * factor;
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

export interface CreateOptions {
  api: string;
  token: string | undefined;
  text?: string;
  file?: string;
  ttl?: string;
  views?: string;
  passphrase?: string;
  label?: string;
  cwd: string;
}

export async function createSecretCommand(o: CreateOptions, out: Out): Promise<void> {
  if ((o.text === undefined) === (o.file === undefined)) throw new CliError('Give exactly one of --text or --file.');
  if (!o.token) throw new CliError('An API token is needed: pass --token or set VOUCHSAFE_TOKEN.');
  let payload: SecretPayload;
  if (o.text !== undefined) {
    payload = { kind: 'text', text: o.text };
  } else {
    const file = path.resolve(o.cwd, o.file!);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      throw new CliError(`Cannot read the file ${o.file}.`);
    }
    const name = path.basename(file);
    payload = {
      kind: 'file',
      name,
      type: MEDIA_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream',
      bytes: new Uint8Array(bytes),
    };
  }
  const views = o.views === undefined ? undefined : Number(o.views);
  if (views !== undefined && !Number.isInteger(views)) throw new CliError(`--views "${o.views}" is not a whole number.`);
  const sealed = await sealSecret(payload, o.passphrase ? { passphrase: o.passphrase } : {});
  const created = await vaultClient(o.api, o.token).create({
    kind: payload.kind,
    ciphertext: toBase64Url(sealed.ciphertext),
    keyCheck: toBase64Url(sealed.keyCheck),
    ...(sealed.passphraseSalt && sealed.passphraseCheck
      ? { passphraseSalt: toBase64Url(sealed.passphraseSalt), passphraseCheck: toBase64Url(sealed.passphraseCheck) }
      : {}),
    ...(o.ttl !== undefined ? { ttlSeconds: parseTtl(o.ttl) } : {}),
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
  out?: string;
  cwd: string;
  api?: string;
}

export async function revealSecretCommand(o: RevealOptions, out: Out): Promise<void> {
  const { origin, id, tenant, linkKey } = parseSecretLink(o.link);
  // A help-desk tenant's link (/t/{tenant}/s/{id}) reveals through that tenant's API prefix.
  const client = vaultClient(o.api ?? origin, undefined, tenant);
  const meta = await client.metadata(id);
  if (meta.needsPassphrase && !o.passphrase) {
    throw new CliError('This secret is protected by a passphrase: pass --passphrase.');
  }
  const salt = meta.passphraseSalt ? fromBase64Url(meta.passphraseSalt) : undefined;
  const passOpts = o.passphrase && salt ? { passphrase: o.passphrase, passphraseSalt: salt } : {};
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
