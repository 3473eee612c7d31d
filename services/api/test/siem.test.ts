import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TENANT_ID, SiemRecordSchema, SiemWebhookPayloadSchema, type SiemRecord } from '@vouchsafe/contracts';
import { testCa } from '@vouchsafe/test-support';
import {
  startHecStandIn,
  startRsyslog,
  startWebhookReceiver,
  type HecStandIn,
  type StartedRsyslog,
  type WebhookReceiver,
} from '@vouchsafe/test-support/siem';
import type { AppConfig } from '../src/compose';
import { createOutbound, outboundPolicy } from '../src/lib/outbound';
import { startJobs, type Jobs } from '../src/jobs';
import { createLogger } from '../src/logger';
import { TOKEN, createSecret, startTestApp, type TestApp } from './harness';

/**
 * The SIEM stream (issue 9) over real receivers: rsyslogd (RFC 5424, octet counting, TLS), a Splunk HEC stand-in
 * speaking Splunk's wire format, and a Standard Webhooks receiver that checks signatures with the reference library.
 * Sealing runs every 50 ms and the forwarder every 50 ms here (1 s in production).
 */

const quiet = () => createLogger('warn', new Writable({ write: (_c, _e, cb) => cb() }));

async function eventually<T>(check: () => T | Promise<T>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

const runJobs = (t: TestApp): Jobs => startJobs(t.db, quiet(), { purgeIntervalMs: 60_000, sealIntervalMs: 50, ...t.graph.workers });

/** Sealed audit events of the default tenant, in chain order. */
async function sealedIds(t: TestApp): Promise<string[]> {
  const rows = await t.db
    .selectFrom('audit_events')
    .select(['id'])
    .where('tenant_id', '=', DEFAULT_TENANT_ID)
    .where('chain_index', 'is not', null)
    .orderBy('chain_index')
    .execute();
  return rows.map((r) => r.id);
}

/** A denied push flagged as possible fraud, written the way writers write (one INSERT). */
async function deniedPush(t: TestApp): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO audit_events (tenant_id, type, data)
    VALUES (${DEFAULT_TENANT_ID}, 'verification.denied',
            '{"method":"okta_push","state":"denied","isFraudSuspected":true,"agent":"Zoë A.","ticketId":"4711"}'::jsonb)
    RETURNING id`.execute(t.db);
  return rows[0]!.id;
}

/** A signed checkpoint row as the checkpoint job writes it (the JWS is opaque to the forwarder). */
async function checkpointAtHead(t: TestApp): Promise<string> {
  const head = await t.db.selectFrom('audit_heads').selectAll().where('tenant_id', '=', DEFAULT_TENANT_ID).executeTakeFirstOrThrow();
  await t.db
    .insertInto('audit_checkpoints')
    .values({
      tenant_id: DEFAULT_TENANT_ID,
      chain_index: head.chain_index,
      hash: head.hash,
      signed_at: new Date(),
      kid: 'audit-1',
      jws: 'eyJhbGciOiJFZERTQSJ9.e30.c2ln',
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return `${DEFAULT_TENANT_ID}:${head.chain_index}`;
}

const webhookRecords = (w: WebhookReceiver): SiemRecord[] =>
  w.deliveries.filter((d) => d.isVerified).map((d) => SiemWebhookPayloadSchema.parse(d.payload).data);
const hecRecords = (h: HecStandIn): SiemRecord[] => h.events.map((e) => SiemRecordSchema.parse(e.event));

/** Every id appears; an id that appears twice carries the very same record (a retry, not a second fact). */
function expectAtLeastOnce(records: SiemRecord[], ids: readonly string[]) {
  const byId = new Map<string, string>();
  for (const r of records) {
    const json = JSON.stringify(r);
    const seen = byId.get(r.id);
    if (seen !== undefined) expect(json).toBe(seen);
    byId.set(r.id, json);
  }
  for (const id of ids) expect(byId.has(id), `missing ${id}`).toBe(true);
}

/** Events of one tenant arrive in chain order (a re-sent batch restarts from its first record, then goes on). */
function expectChainOrder(records: SiemRecord[]) {
  const events = records.filter((r) => r.kind === 'audit_event');
  let highest = 0;
  for (const r of events) {
    if (r.chainIndex > highest + 1) throw new Error(`chain index ${r.chainIndex} arrived before ${highest + 1}`);
    highest = Math.max(highest, r.chainIndex);
  }
}

describe('three sinks at once (syslog over TCP, Splunk HEC, Standard Webhooks)', () => {
  let rsyslog: StartedRsyslog;
  let hec: HecStandIn;
  let hook: WebhookReceiver;
  let t: TestApp;
  let jobs: Jobs;
  let siemConfig: Partial<AppConfig>;

  beforeAll(async () => {
    [rsyslog, hec, hook] = await Promise.all([startRsyslog(), startHecStandIn({ allowedIndexes: ['security'] }), startWebhookReceiver()]);
    siemConfig = {
      siemSyslogUrl: `tcp://127.0.0.1:${rsyslog.port}`,
      siemSyslogFacility: 'audit',
      siemHecUrl: hec.url,
      siemHecToken: hec.token,
      siemHecIndex: 'security',
      siemHecSourcetype: 'vouchsafe:audit',
      siemWebhookUrl: hook.url,
      siemWebhookSecret: hook.secret,
      siemHostname: 'vouchsafe-test',
      siemIntervalMs: 50,
      siemBackoffMs: 50,
      siemTimeoutMs: 400,
      siemBatch: 20,
    };
    t = await startTestApp({ config: siemConfig });
    jobs = runJobs(t);
  });
  afterAll(async () => {
    await jobs?.stop();
    await t?.close();
    await Promise.all([rsyslog?.stop(), hec?.close(), hook?.close()]);
  });

  it('every sealed event and checkpoint reaches every sink, in chain order, with its stable id and severity', async () => {
    for (let i = 0; i < 3; i += 1) await createSecret(t.url);
    const fraud = await deniedPush(t);
    const ids = await eventually(async () => {
      const sealed = await sealedIds(t);
      expect(sealed).toContain(fraud);
      return sealed;
    });
    const checkpoint = await checkpointAtHead(t);
    const all = [...ids, checkpoint];

    await eventually(() => {
      expectAtLeastOnce(webhookRecords(hook), all);
      expectAtLeastOnce(hecRecords(hec), all);
      expect(new Set(rsyslog.entries().map((e) => /id="([^"]+)"/.exec(e.sd)?.[1])).size).toBeGreaterThanOrEqual(all.length);
    });

    // rsyslog parsed every line as RFC 5424 (version 1) with our header fields and structured data.
    const entries = rsyslog.entries();
    for (const e of entries) {
      expect(e).toMatchObject({ version: '1', facility: '13', hostname: 'vouchsafe-test', app: 'vouchsafe', procid: '-' });
      const record = SiemRecordSchema.parse(JSON.parse(e.msg));
      expect(e.sd).toContain(`[vouchsafe@32473 id="${record.id}"`);
      expect(e.msgid).toBe(record.kind === 'audit_event' ? record.type : 'audit.checkpoint');
      expect(e.timestamp).toBe(record.kind === 'audit_event' ? record.occurredAt : record.signedAt);
    }
    const fraudLine = entries.find((e) => e.sd.includes(fraud))!;
    expect(fraudLine).toMatchObject({ severity: '2', pri: String(13 * 8 + 2), msgid: 'verification.denied' });
    expect(fraudLine.sd).toContain('severity="high"');
    expect(JSON.parse(fraudLine.msg).data.agent).toBe('Zoë A.');
    const routine = entries.find((e) => e.msgid === 'secret.created')!;
    expect(routine.severity).toBe('6');
    expectChainOrder(entries.map((e) => SiemRecordSchema.parse(JSON.parse(e.msg))));

    // HEC: Splunk's envelope, time in epoch seconds, the configured index and sourcetype, severity as a field.
    const envelope = hec.events.find((e) => (e.event as SiemRecord).id === fraud)!;
    expect(envelope).toMatchObject({ host: 'vouchsafe-test', source: 'vouchsafe', sourcetype: 'vouchsafe:audit', index: 'security' });
    expect(typeof envelope.time).toBe('number');
    expect((envelope.event as SiemRecord).severity).toBe('high');
    expect(hec.refusals).toEqual([]);
    expectChainOrder(hecRecords(hec));

    // Webhook: every delivery verified by the reference library; webhook-id is the record's id.
    expect(hook.deliveries.every((d) => d.isVerified)).toBe(true);
    for (const d of hook.deliveries) expect(d.id).toBe(SiemWebhookPayloadSchema.parse(d.payload).data.id);
    const cp = webhookRecords(hook).find((r) => r.kind === 'audit_checkpoint')!;
    expect(cp).toMatchObject({ id: checkpoint, kid: 'audit-1', severity: 'low' });
    expectChainOrder(webhookRecords(hook));

    // Caught up: no backlog, and the counters saw it.
    await eventually(async () => {
      const text = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      expect(text).toMatch(/^vouchsafe_siem_backlog\{sink="webhook"\} 0$/m);
      expect(text).toMatch(/^vouchsafe_siem_backlog_oldest_seconds\{sink="syslog"\} 0$/m);
      expect(text).toMatch(/^vouchsafe_siem_backlog\{sink="hec"\} 0$/m);
      expect(text).toMatch(new RegExp(`^vouchsafe_siem_forwarded_total\\{sink="hec",stream="checkpoints"\\} [1-9]`, 'm'));
    });
  });

  it('receivers down or losing replies: everything arrives once they are back, duplicates only with the same id', async () => {
    hec.busy(3);
    hec.dropReplies(1);
    hook.outage(600);
    hook.dropReplies(1);
    await rsyslog.stop();
    const before = await sealedIds(t);
    for (let i = 0; i < 4; i += 1) await createSecret(t.url);
    const ids = await eventually(async () => {
      const sealed = await sealedIds(t);
      expect(sealed.length).toBe(before.length + 4);
      return sealed;
    });

    // While syslog is down its backlog shows, with the age of the oldest record.
    const backlog = await eventually(async () => {
      const text = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      expect(text).toMatch(/^vouchsafe_siem_backlog\{sink="syslog"\} [1-9]/m);
      expect(text).toMatch(/^vouchsafe_siem_failures_total\{sink="syslog"\} [1-9]/m);
      return text;
    });
    expect(backlog).toMatch(/^vouchsafe_siem_backlog_oldest_seconds\{sink="syslog"\} \d/m);
    const cursor = await t.db
      .selectFrom('siem_cursors')
      .selectAll()
      .where('sink', '=', 'syslog')
      .where('stream', '=', 'events')
      .executeTakeFirstOrThrow();
    expect(cursor.failures).toBeGreaterThan(0);
    expect(cursor.last_error).toMatch(/^unavailable: syslog receiver: connection failed/);

    rsyslog = await restartRsyslogOnSamePort(rsyslog.port);
    await eventually(() => {
      expectAtLeastOnce(webhookRecords(hook), ids);
      expectAtLeastOnce(hecRecords(hec), ids);
      const got = new Set(rsyslog.entries().map((e) => SiemRecordSchema.parse(JSON.parse(e.msg)).id));
      for (const id of ids.slice(before.length)) expect(got.has(id)).toBe(true);
    }, 15_000);
    // Settled: every cursor at the head (the retries after the lost replies happened), failures reset, nothing leased.
    await eventually(async () => {
      const rows = await t.db.selectFrom('siem_cursors').selectAll().where('stream', '=', 'events').execute();
      expect(rows).toHaveLength(3);
      for (const r of rows) {
        expect({ sink: r.sink, position: Number(r.position), failures: r.failures, lease: r.lease_until }).toEqual({
          sink: r.sink,
          position: ids.length,
          failures: 0,
          lease: null,
        });
      }
    });
    // The lost replies were re-sent: the same id twice, never a different one.
    expect(hecRecords(hec).length).toBeGreaterThan(new Set(hecRecords(hec).map((r) => r.id)).size);
    expect(webhookRecords(hook).length).toBeGreaterThan(new Set(webhookRecords(hook).map((r) => r.id)).size);
    expectAtLeastOnce(hecRecords(hec), ids);
    expectAtLeastOnce(webhookRecords(hook), ids);
    expectChainOrder(hecRecords(hec));

    // No secret of a sink in the logs or in the stored errors.
    const logs = t.logs.join('');
    expect(logs).not.toContain(hec.token);
    expect(logs).not.toContain(hook.secret.slice('whsec_'.length, 30));
    const errors = await t.db.selectFrom('siem_cursors').select('last_error').execute();
    for (const { last_error } of errors) expect(last_error ?? '').not.toMatch(/127\.0\.0\.1|http|whsec|Splunk [0-9a-f]/);
  });

  it('a restart in the middle of a delivery loses nothing: the next process carries on from the cursor', async () => {
    // Process A (its own pool and graph, like another API replica) is mid-delivery when it is stopped.
    const a = await t.another({ config: siemConfig });
    await jobs.stop(); // only A forwards now
    const aJobs = runJobs(a);
    hook.hang();
    const before = (await sealedIds(t)).length;
    for (let i = 0; i < 3; i += 1) await createSecret(t.url);
    await eventually(async () => expect((await sealedIds(t)).length).toBe(before + 3));
    await eventually(async () => {
      const leased = await t.db
        .selectFrom('siem_cursors')
        .select('lease_until')
        .where('sink', '=', 'webhook')
        .where('lease_until', 'is not', null)
        .execute();
      expect(leased.length).toBeGreaterThan(0);
    });
    await aJobs.stop();
    await a.close();
    hook.release();

    // Process B starts on the same database.
    const b = await t.another({ config: siemConfig });
    const bJobs = runJobs(b);
    try {
      const ids = await sealedIds(t);
      await eventually(() => {
        expectAtLeastOnce(webhookRecords(hook), ids);
        expectAtLeastOnce(hecRecords(hec), ids);
      });
      expectChainOrder(webhookRecords(hook));
    } finally {
      await bJobs.stop();
      await b.close();
    }
  });

  it('a process that died holding a lease: another takes the cursor over when the lease runs out', async () => {
    const before = (await sealedIds(t)).length;
    await createSecret(t.url);
    const { sealAll } = await import('../src/modules/audit/seal-chain');
    await sealAll(t.db);
    const { leaseDue } = await import('../src/modules/siem/cursors.repository');
    // The "dead" worker: it leased the webhook cursor (1.2 s, 3 × the timeout) and will never settle it.
    const dead = await leaseDue(t.db, ['webhook'], 10, 1_200);
    expect(dead.some((c) => c.stream === 'events')).toBe(true);
    const leasedAt = Date.now();
    const c = await t.another({ config: siemConfig });
    const cJobs = runJobs(c);
    try {
      const ids = await sealedIds(t);
      expect(ids.length).toBe(before + 1);
      await eventually(() => expectAtLeastOnce(webhookRecords(hook), ids));
      expect(Date.now() - leasedAt).toBeGreaterThanOrEqual(1_000);
    } finally {
      await cJobs.stop();
      await c.close();
    }
  });
});

/** rsyslogd again on the port the app is configured with (the receiver came back). */
const restartRsyslogOnSamePort = (port: number): Promise<StartedRsyslog> => startRsyslog({ port });

describe('syslog over TLS (RFC 5425) against rsyslog, HEC with indexer acknowledgment', () => {
  let rsyslog: StartedRsyslog;
  let hec: HecStandIn;
  let t: TestApp;
  let jobs: Jobs;
  const outbound = createOutbound(outboundPolicy({ allowInsecureHelpdesks: true, outboundAllow: [] }), { ca: testCa().certPem });

  beforeAll(async () => {
    [rsyslog, hec] = await Promise.all([startRsyslog({ isTls: true }), startHecStandIn({ isAck: true, tls: true })]);
    t = await startTestApp({
      config: {
        siemSyslogUrl: `tls://127.0.0.1:${rsyslog.port}`,
        siemSyslogCaFile: testCa().certFile,
        siemSyslogFacility: 'local4',
        siemHecUrl: hec.url,
        siemHecToken: hec.token,
        siemHecAck: true,
        siemIntervalMs: 50,
        siemBackoffMs: 50,
        siemTimeoutMs: 2_000,
      },
      // The HEC stand-in serves https with this run's throwaway CA.
      outbound,
    });
    jobs = runJobs(t);
  });
  afterAll(async () => {
    await jobs?.stop();
    await t?.close();
    await Promise.all([rsyslog?.stop(), hec?.close(), outbound.close()]);
  });

  it('rsyslog reads well-formed RFC 5424 over TLS; HEC counts a batch once Splunk acknowledges it', async () => {
    hec.ackAfterPolls(2);
    await createSecret(t.url);
    const fraud = await deniedPush(t);
    const ids = await eventually(async () => {
      const sealed = await sealedIds(t);
      expect(sealed).toContain(fraud);
      return sealed;
    });
    await eventually(() => {
      const got = rsyslog.entries().map((e) => SiemRecordSchema.parse(JSON.parse(e.msg)).id);
      for (const id of ids) expect(got).toContain(id);
      expectAtLeastOnce(hecRecords(hec), ids);
    });
    const line = rsyslog.entries().find((e) => e.sd.includes(fraud))!;
    expect(line).toMatchObject({ version: '1', facility: '20', severity: '2', msgid: 'verification.denied' });
    await eventually(async () => {
      const rows = await t.db.selectFrom('siem_cursors').selectAll().where('sink', '=', 'hec').where('stream', '=', 'events').execute();
      expect(rows.map((r) => Number(r.position))).toEqual([ids.length]);
    });
    expect(hec.refusals).toEqual([]);
  });
});
