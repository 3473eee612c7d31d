import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVIEW_PATHS, ReceiptCheckSchema, type Desk } from '@vouchsafe/contracts';
import { apiCliEntry } from '@vouchsafe/test-support';
import { sealAll } from '../src/modules/audit/seal-chain';
import { checkReceipt } from '../src/modules/audit/receipts';
import { SCOPED_TOKENS, api, createSecret } from './harness';
import { SLUGS, eventually, openSidebar, send, startSidebarWorld, type Agent, type SidebarWorld } from './sidebar-support';

/**
 * Receipts a reviewer can check (issue 9): the auditor API and `vouchsafe audit receipt` compare the note as it
 * stands in each desk with what was sent (edited and deleted in the desk's own wire format), and report the event's
 * chain place and covering checkpoint. Tenant isolation: another tenant's receipt is 404.
 */

const AUDITOR = { authorization: `Bearer ${SCOPED_TOKENS.auditor}` };
const DESKS: Desk[] = ['zendesk', 'servicenow', 'jira'];
const BIN = apiCliEntry();

let w: SidebarWorld;
beforeAll(async () => {
  w = await startSidebarWorld({ maxAttempts: 2, backoffMs: 50, timeoutMs: 1_000 });
});
afterAll(async () => {
  await w?.close();
});

const outboxRow = (secretId: string) =>
  w.t.db.selectFrom('note_outbox').selectAll().where('secret_id', '=', secretId).where('action', '=', 'sent').executeTakeFirstOrThrow();

/** Sends a secret from the sidebar and waits for its "sent" note to land; returns its receipt and the desk's note id. */
async function sentNote(a: Agent): Promise<{ receipt: string; commentId: string }> {
  const s = await send(w, a);
  const row = await eventually(async () => {
    const r = await outboxRow(s.id);
    expect(r.status).toBe('delivered');
    return r;
  });
  const comment = w.desks.state.notes(a.desk, a.ticketId).find((c) => c.body.includes(row.audit_event_id));
  if (!comment) throw new Error('the note is not on the desk');
  return { receipt: row.audit_event_id, commentId: comment.id };
}

const check = (desk: Desk, receipt: string, headers: Record<string, string> = AUDITOR) =>
  api(w.t.url, 'GET', REVIEW_PATHS.receipt(SLUGS[desk], receipt), undefined, headers);

describe.each(DESKS)('%s', (desk) => {
  it('a delivered note matches; edited in the desk it reads "edited"; the event is sealed and its hash recomputes', async () => {
    const a = await openSidebar(w, desk, 0);
    const { receipt, commentId } = await sentNote(a);
    await sealAll(w.t.db);
    const ok = await check(desk, receipt);
    expect(ok.status).toBe(200);
    const body = ReceiptCheckSchema.parse(ok.json);
    expect(body.receipt).toBe(receipt);
    expect(body.event.type).toBe('secret.created');
    expect(body.chain).toMatchObject({ sealed: true, hashValid: true });
    expect(body.note).toEqual({ status: 'matches' });
    // The desk stores only the digest of what was sent, never the text.
    const stored = await w.t.db.selectFrom('note_receipts').selectAll().where('audit_event_id', '=', receipt).executeTakeFirstOrThrow();
    expect(stored.text_sha256).toHaveLength(32);

    await w.desks.admin.editNote(desk, commentId, 'sent');
    const edited = await check(desk, receipt);
    expect(edited.json.note.status).toBe('edited');
  });

  it('a note deleted in the desk reads "missing" (Zendesk: its ticket deleted)', async () => {
    const a = await openSidebar(w, desk, 2);
    const { receipt, commentId } = await sentNote(a);
    await w.desks.admin.deleteNote(desk, commentId);
    const res = await check(desk, receipt);
    expect(res.status).toBe(200);
    expect(res.json.note.status).toBe('missing');
  });
});

describe('statuses that are not about the text', () => {
  it('pending while the desk is down, "unavailable" (never a verdict) when a delivered note cannot be read', async () => {
    const a = await openSidebar(w, 'jira', 1);
    const { receipt } = await sentNote(a);
    w.desks.outage('jira', 60_000);
    try {
      const down = await check('jira', receipt);
      expect(down.status).toBe(200);
      expect(down.json.note.status).toBe('unavailable');
      const s = await send(w, a);
      const pendingReceipt = (await outboxRow(s.id)).audit_event_id;
      const pending = await check('jira', pendingReceipt);
      expect(pending.json.note.status).toBe('pending');
    } finally {
      w.desks.outage('jira', 0);
    }
  });

  it('a note the desk refused reads "failed" with a masked reason; an event without a note reads "no_note"', async () => {
    const a = await openSidebar(w, 'servicenow', 1);
    const tickets = w.desks.state.servicenow.tickets;
    const [removed] = tickets.splice(
      tickets.findIndex((x) => x.id === a.ticketId),
      1,
    );
    try {
      const s = await send(w, a);
      const row = await eventually(async () => {
        const r = await outboxRow(s.id);
        expect(r.status).toBe('failed');
        return r;
      });
      const failed = await check('servicenow', row.audit_event_id);
      expect(failed.json.note.status).toBe('failed');
      expect(failed.json.note.reason).toMatch(/not_found/);
    } finally {
      tickets.push(removed!);
    }
    const plain = await createSecret(w.t.url);
    const event = await w.t.db
      .selectFrom('audit_events')
      .select('id')
      .where('secret_id', '=', plain.id)
      .where('type', '=', 'secret.created')
      .executeTakeFirstOrThrow();
    const none = await api(w.t.url, 'GET', REVIEW_PATHS.receipt('default', event.id), undefined, AUDITOR);
    expect(none.status).toBe(200);
    expect(none.json.note).toEqual({ status: 'no_note' });
  });
});

describe('checkpoints and isolation', () => {
  it('names the covering checkpoint and walks the chain to it; a forged head does not link', async () => {
    const a = await openSidebar(w, 'zendesk', 1);
    const { receipt } = await sentNote(a);
    await sealAll(w.t.db);
    const tenantId = (await w.t.db.selectFrom('tenants').select('id').where('slug', '=', SLUGS.zendesk).executeTakeFirstOrThrow()).id;
    const head = await w.t.db.selectFrom('audit_heads').selectAll().where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    // A row as the checkpoint job would write it (signing is another part of issue 9; the JWS here is a placeholder).
    await w.t.db
      .insertInto('audit_checkpoints')
      .values({ tenant_id: tenantId, chain_index: head.chain_index, hash: head.hash, signed_at: new Date(), kid: 'k-test', jws: 'good' })
      .execute();
    const res = await check('zendesk', receipt);
    const body = ReceiptCheckSchema.parse(res.json);
    expect(body.checkpoint).toMatchObject({ chainIndex: Number(head.chain_index), hash: head.hash.toString('hex'), kid: 'k-test' });
    expect(body.chain.linksToCheckpoint).toBe(true);
    expect(body.checkpointValid).toBeNull(); // no audit public key configured in this process

    const deps = { db: w.t.db, loadTenant: async () => undefined, connectorFor: () => undefined as never };
    const verified = await checkReceipt({ ...deps, verifyCheckpoint: async (cp) => cp.jws === 'good' }, tenantId, receipt);
    expect(verified.checkpointValid).toBe(true);
    const refused = await checkReceipt({ ...deps, verifyCheckpoint: async () => false }, tenantId, receipt);
    expect(refused.checkpointValid).toBe(false);

    // Another tenant's head, "checkpointed" with a hash the chain does not produce.
    const b = await openSidebar(w, 'servicenow', 0);
    const other = await sentNote(b);
    await sealAll(w.t.db);
    const snId = (await w.t.db.selectFrom('tenants').select('id').where('slug', '=', SLUGS.servicenow).executeTakeFirstOrThrow()).id;
    const snHead = await w.t.db.selectFrom('audit_heads').selectAll().where('tenant_id', '=', snId).executeTakeFirstOrThrow();
    await w.t.db
      .insertInto('audit_checkpoints')
      .values({
        tenant_id: snId,
        chain_index: snHead.chain_index,
        hash: Buffer.alloc(32, 7),
        signed_at: new Date(),
        kid: 'k-test',
        jws: 'x',
      })
      .execute();
    const forged = await check('servicenow', other.receipt);
    expect(forged.json.chain.linksToCheckpoint).toBe(false);
  });

  it('another tenant’s receipt, an unknown tenant or a malformed receipt answer 404; the scope is enforced', async () => {
    const a = await openSidebar(w, 'zendesk', 0);
    const { receipt } = await sentNote(a);
    expect((await check('servicenow', receipt)).status).toBe(404);
    expect((await api(w.t.url, 'GET', REVIEW_PATHS.receipt('no-such-tenant', receipt), undefined, AUDITOR)).status).toBe(404);
    expect((await check('zendesk', 'not-a-receipt')).status).toBe(404);
    expect((await check('zendesk', receipt, {})).status).toBe(401);
    expect((await check('zendesk', receipt, { authorization: `Bearer ${SCOPED_TOKENS.admin}` })).status).toBe(403);
  });

  it('every check is audited in its tenant as review.receipt_checked with the actor, and no full identifier', async () => {
    const a = await openSidebar(w, 'jira', 0);
    const { receipt } = await sentNote(a);
    expect((await check('jira', receipt)).status).toBe(200);
    const rows = await w.t.db.selectFrom('audit_events').selectAll().where('type', '=', 'review.receipt_checked').execute();
    const row = rows.find((r) => r.data.receipt === receipt);
    expect(row?.data).toMatchObject({ actor: 'api-token:only-auditor', receipt, noteStatus: 'matches' });
    expect(JSON.stringify(rows)).not.toMatch(/@/);
  });
});

describe('vouchsafe audit receipt', () => {
  const cli = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: { PATH: process.env.PATH, VOUCHSAFE_API_URL: w.t.url, VOUCHSAFE_TOKEN: SCOPED_TOKENS.auditor },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('prints the API’s answer (--json; without --tenant it finds the tenant) and exits 1 on an edited note', async () => {
    const a = await openSidebar(w, 'zendesk', 1);
    const { receipt, commentId } = await sentNote(a);
    await w.desks.admin.editNote('zendesk', commentId, 'Receipt');
    const run = await cli(['audit', 'receipt', receipt, '--json']);
    expect(run.code, run.stderr).toBe(1);
    const parsed = ReceiptCheckSchema.parse(JSON.parse(run.stdout));
    expect(parsed).toMatchObject({ receipt, note: { status: 'edited' } });
  });
});
