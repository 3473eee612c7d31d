import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../paths';
import { canonicalJson, eventHash } from './canonical';
import { parseAuditPublicKeys, parseAuditSigningKey, trustedKeys } from './checkpoints-keys';
import { signCheckpoint, verifyCheckpoint } from './checkpoints';
import { verifyExportFile } from './verify-file';

/**
 * docs/AUDIT-FORMAT.md cannot drift: its worked example is recomputed here from the document's own text — once by the
 * rules as the document states them (plain SHA-256 over the bytes it shows), once by the product's functions.
 */

const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'AUDIT-FORMAT.md'), 'utf8');
const blocks = new Map([...doc.matchAll(/```\w+ id=([\w-]+)\n([\s\S]*?)\n```/g)].map((m) => [m[1]!, m[2]!]));
const block = (id: string) => {
  const b = blocks.get(id);
  if (b === undefined) throw new Error(`docs/AUDIT-FORMAT.md has no block id=${id}`);
  return b;
};
const lines = block('export-lines')
  .split('\n')
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const events = lines.filter((l) => l.kind === 'event');

/** RFC 8032 §7.1 test 1 secret key, as PKCS#8 DER: the document's example signing key. */
const EXAMPLE_KEY = `example-2026:${Buffer.concat([
  Buffer.from('302e020100300506032b657004220420', 'hex'),
  Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'),
]).toString('base64url')}`;

describe('docs/AUDIT-FORMAT.md worked example', () => {
  it('has the canonical JSON and hashes the document states, by its own rules and by the product', () => {
    expect(events).toHaveLength(2);
    let prev: Buffer = Buffer.alloc(32);
    for (const e of events) {
      const n = String(e.chainIndex);
      const hashed = {
        chainIndex: e.chainIndex,
        id: e.id,
        tenantId: e.tenantId,
        type: e.type,
        secretId: e.secretId,
        occurredAt: e.occurredAt,
        data: e.data,
      };
      expect(canonicalJson(hashed)).toBe(block(`canonical-${n}`));
      const byTheDocument = createHash('sha256')
        .update(prev)
        .update(Buffer.from(block(`canonical-${n}`), 'utf8'))
        .digest('hex');
      expect(byTheDocument).toBe(block(`hash-${n}`));
      expect(e.prevHash).toBe(prev.toString('hex'));
      expect(e.hash).toBe(byTheDocument);
      const byTheProduct = eventHash(prev, {
        chainIndex: n,
        id: String(e.id),
        tenantId: String(e.tenantId),
        type: String(e.type),
        secretId: e.secretId as string | null,
        occurredAt: new Date(String(e.occurredAt)),
        data: e.data as Record<string, unknown>,
      });
      expect(byTheProduct.toString('hex')).toBe(byTheDocument);
      prev = byTheProduct;
    }
  });

  it('has a checkpoint the product signs byte for byte and verifies with the public key shown', async () => {
    const line = lines.find((l) => l.kind === 'checkpoint')!;
    const jws = String(line.jws);
    const [header, payload] = jws.split('.').map((p) => Buffer.from(p, 'base64url').toString('utf8'));
    expect(header).toBe(block('jws-header'));
    expect(payload).toBe(block('jws-payload'));
    expect(JSON.parse(payload!)).toMatchObject({ chainIndex: '2', hash: block('hash-2') });
    const keys = trustedKeys(undefined, parseAuditPublicKeys(block('public-key')));
    expect(await verifyCheckpoint(jws, keys)).toMatchObject({ ok: true });
    const key = parseAuditSigningKey(EXAMPLE_KEY);
    expect(`${key.kid}:${key.publicKey.x}`).toBe(block('public-key'));
    const signed = await signCheckpoint(key, {
      tenantId: String(line.tenantId),
      chainIndex: '2',
      hash: block('hash-2'),
      signedAt: String(line.signedAt),
    });
    expect(signed.jws).toBe(jws); // Ed25519 is deterministic
  });

  it('is an export file `audit verify --file` accepts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vs-format-'));
    try {
      const file = path.join(dir, 'example.ndjson');
      writeFileSync(file, `${block('export-lines')}\n`);
      const r = await verifyExportFile(file, { candidates: [], keys: trustedKeys(undefined, parseAuditPublicKeys(block('public-key'))) });
      expect(r.findings).toEqual([]);
      expect(r.tenants[0]).toMatchObject({ events: 2, coveredTo: '2' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
