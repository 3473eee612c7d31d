import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TENANT_ID } from '@vouchsafe/contracts';
import { loadConfig } from '../src/config';
import { purgeRetention, type RetentionPolicy } from '../src/modules/retention/retention';
import { createSecret, startTestApp, type TestApp } from './harness';

/**
 * Retention (issue 9): each purge removes only rows older than its cutoff, in bounded batches, and never touches
 * anything younger, anything still in use, audit events, checkpoints or note receipts.
 */

const DAY = 24 * 3600 * 1000;
const POLICY: RetentionPolicy = { deliveredNotesDays: 30, finishedVerificationsDays: 90, pushAttemptsDays: 30, usedSecretsDays: 90 };
const ago = (days: number) => new Date(Date.now() - days * DAY);

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function note(status: 'pending' | 'delivered' | 'failed', deliveredDaysAgo: number | null): Promise<string> {
  const eventId = randomUUID();
  await sql`INSERT INTO note_outbox (tenant_id, ticket_id, audit_event_id, action, note, status, delivered_at)
            VALUES (${DEFAULT_TENANT_ID}, '101', ${eventId}, 'sent', '{}'::jsonb, ${status},
                    ${deliveredDaysAgo === null ? null : ago(deliveredDaysAgo)})`.execute(t.db);
  await sql`INSERT INTO note_receipts (audit_event_id, tenant_id, ticket_id, text_sha256)
            VALUES (${eventId}, ${DEFAULT_TENANT_ID}, '101', ${Buffer.alloc(32, 1)})`.execute(t.db);
  return eventId;
}

async function verification(state: string, finishedDaysAgo: number | null, withOverride = false): Promise<string> {
  const id = randomUUID();
  const finished = finishedDaysAgo === null ? null : ago(finishedDaysAgo);
  await sql`INSERT INTO verifications (id, tenant_id, ticket_id, agent_id, agent_label, requester_key, requester_label, method, state,
                                       started_at, expires_at, finished_at)
            VALUES (${id}, ${DEFAULT_TENANT_ID}, ${`ticket-${id}`}, '9001', 'Jane D.', ${Buffer.alloc(32, 2)}, 'P*** N.', 'okta_push', ${state},
                    ${finished ?? new Date()}, ${finished ?? new Date(Date.now() + DAY)}, ${finished})`.execute(t.db);
  if (withOverride) {
    await sql`INSERT INTO verification_overrides (verification_id, tenant_id, requested_by_id, requested_by_label, reason)
              VALUES (${id}, ${DEFAULT_TENANT_ID}, '9001', 'Jane D.', 'caller locked out')`.execute(t.db);
  }
  return id;
}

async function pushAttempt(daysAgo: number): Promise<string> {
  const verificationId = randomUUID();
  await sql`INSERT INTO push_attempts (tenant_id, requester_key, verification_id, sent_at)
            VALUES (${DEFAULT_TENANT_ID}, ${Buffer.alloc(32, 3)}, ${verificationId}, ${ago(daysAgo)})`.execute(t.db);
  return verificationId;
}

/** A secret made over HTTP, then aged: used up (`viewed`) or still live, with a ticket binding. */
async function secret(usedDaysAgo: number | null): Promise<string> {
  const { id } = await createSecret(t.url);
  if (usedDaysAgo !== null) {
    await sql`UPDATE secrets SET views_left = 0, last_viewed_at = ${ago(usedDaysAgo)} WHERE id = ${id}`.execute(t.db);
    await sql`DELETE FROM secret_payloads WHERE secret_id = ${id}`.execute(t.db);
  }
  await sql`INSERT INTO ticket_secrets (tenant_id, secret_id, ticket_id, agent_id, agent_label, fingerprint, kind, views_total,
                                        expires_at, status, updated_at)
            VALUES (${DEFAULT_TENANT_ID}, ${id}, '101', '9001', 'Jane D.', 'ab12', 'text', 1, now() + interval '1 day',
                    ${usedDaysAgo === null ? 'waiting' : 'viewed'}, ${usedDaysAgo === null ? new Date() : ago(usedDaysAgo)})`.execute(t.db);
  return id;
}

const ids = async (table: 'note_outbox' | 'verifications' | 'secrets', column: 'audit_event_id' | 'id') =>
  (await sql<{ v: string }>`SELECT ${sql.ref(column)}::text AS v FROM ${sql.table(table)}`.execute(t.db)).rows.map((r) => r.v);

describe('retention purge', () => {
  it('removes only what is older than each cutoff, in batches; younger and open rows, audit events and receipts stay', async () => {
    const oldNotes = [await note('delivered', 31), await note('delivered', 45), await note('delivered', 400)];
    const keptNotes = [await note('delivered', 29), await note('pending', null), await note('failed', null)];
    const oldVerifications = [await verification('denied', 91, true), await verification('verified', 120)];
    const keptVerifications = [await verification('denied', 89), await verification('started', null), await verification('waiting', null)];
    const oldPushes = [await pushAttempt(31), await pushAttempt(60)];
    const keptPush = await pushAttempt(29);
    const oldSecret = await secret(91);
    const keptSecrets = [await secret(89), await secret(null)];
    const auditBefore = await sql<{ n: string; d: string }>`
      SELECT count(*)::text AS n, md5(string_agg(id::text || type, ',' ORDER BY seq)) AS d FROM audit_events`.execute(t.db);

    // Batches of 1: every kind needs several statements, none deletes more than one row.
    const purged = await purgeRetention(t.db, POLICY, { batch: 1 });
    expect(purged).toEqual({ deliveredNotes: 3, finishedVerifications: 2, pushAttempts: 2, usedSecrets: 1, ticketSecrets: 1 });

    const notes = await ids('note_outbox', 'audit_event_id');
    for (const id of oldNotes) expect(notes).not.toContain(id);
    for (const id of keptNotes) expect(notes).toContain(id);
    // What was sent stays checkable: note receipts are never purged.
    const receipts = (await t.db.selectFrom('note_receipts').select('audit_event_id').execute()).map((r) => r.audit_event_id);
    expect(receipts).toEqual(expect.arrayContaining([...oldNotes, ...keptNotes]));

    const verifications = await ids('verifications', 'id');
    for (const id of oldVerifications) expect(verifications).not.toContain(id);
    for (const id of keptVerifications) expect(verifications).toContain(id);
    expect(
      await t.db.selectFrom('verification_overrides').selectAll().where('verification_id', '=', oldVerifications[0]!).execute(),
    ).toEqual([]);

    const pushes = (await t.db.selectFrom('push_attempts').select('verification_id').execute()).map((r) => r.verification_id);
    for (const id of oldPushes) expect(pushes).not.toContain(id);
    expect(pushes).toContain(keptPush);

    const secrets = await ids('secrets', 'id');
    expect(secrets).not.toContain(oldSecret);
    for (const id of keptSecrets) expect(secrets).toContain(id);
    const bindings = (await t.db.selectFrom('ticket_secrets').select('secret_id').execute()).map((r) => r.secret_id);
    expect(bindings).not.toContain(oldSecret);
    for (const id of keptSecrets) expect(bindings).toContain(id);

    const auditAfter = await sql<{ n: string; d: string }>`
      SELECT count(*)::text AS n, md5(string_agg(id::text || type, ',' ORDER BY seq)) AS d FROM audit_events`.execute(t.db);
    expect(auditAfter.rows).toEqual(auditBefore.rows);

    // A second pass finds nothing more.
    expect(Object.values(await purgeRetention(t.db, POLICY))).toEqual([0, 0, 0, 0, 0]);
  });

  it('settings: bank defaults, documented minimums enforced', () => {
    const c = loadConfig({});
    expect([c.retentionNotesDays, c.retentionVerificationsDays, c.retentionPushAttemptsDays, c.retentionSecretsDays]).toEqual([
      30, 90, 30, 90,
    ]);
    expect(() => loadConfig({ VOUCHSAFE_RETENTION_VERIFICATIONS_DAYS: '7' })).toThrow(/VOUCHSAFE_RETENTION_VERIFICATIONS_DAYS/);
    expect(() => loadConfig({ VOUCHSAFE_RETENTION_PUSH_ATTEMPTS_DAYS: '1' })).toThrow(/VOUCHSAFE_RETENTION_PUSH_ATTEMPTS_DAYS/);
  });
});
