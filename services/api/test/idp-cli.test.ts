import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { TOKEN, api, startTestApp, type TestApp } from './harness';

/** `vouchsafe tenant idp …` and `tenant policy …`: the real CLI process against the API over HTTP. */

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/vouchsafe.mjs');
const OKTA_TOKEN = '00cli-okta-api-token-31337';
let t: TestApp;
let desks: StartedDeskStandIns;
let dir: string;

function cli(args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH, VOUCHSAFE_API_URL: t.url, VOUCHSAFE_TOKEN: TOKEN, INIT_CWD: dir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vs-idp-cli-'));
  desks = await startDeskStandIns();
  t = await startTestApp();
  expect((await api(t.url, 'POST', '/api/v1/admin/tenants', desks.tenants().zendesk, { authorization: `Bearer ${TOKEN}` })).status).toBe(201);
});
afterAll(async () => {
  await t?.close();
  await desks?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('vouchsafe tenant idp / policy', () => {
  it('connects an IdP from a file, lists it without secrets, and removes it', async () => {
    writeFileSync(path.join(dir, 'okta.json'), JSON.stringify({ kind: 'okta', orgUrl: 'http://localhost:4711', auth: { apiToken: OKTA_TOKEN } }), { mode: 0o600 });
    const set = await cli(['tenant', 'idp', 'set', 'acme-zendesk', '--file', 'okta.json']);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout.trim()).toBe('okta connection saved for acme-zendesk.');

    const twilio = { kind: 'twilio', accountSid: `AC${'1'.repeat(32)}`, authToken: 'cli-twilio-token-123', serviceSid: `VA${'2'.repeat(32)}` };
    const piped = await cli(['tenant', 'idp', 'set', 'acme-zendesk'], JSON.stringify(twilio));
    expect(piped.code).toBe(0);

    const list = await cli(['tenant', 'idp', 'list', 'acme-zendesk']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toBe('kind\tupdated\tsettings');
    expect(lines.slice(1).map((l) => l.split('\t')[0])).toEqual(['okta', 'twilio']);
    expect(list.stdout).not.toContain(OKTA_TOKEN);
    expect(list.stdout).not.toContain('cli-twilio-token-123');

    const bad = await cli(['tenant', 'idp', 'set', 'acme-zendesk'], JSON.stringify({ ...twilio, accountSid: 'x' }));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('accountSid');
    expect(bad.stderr).not.toContain('cli-twilio-token-123');

    const removed = await cli(['tenant', 'idp', 'remove', 'acme-zendesk', 'twilio']);
    expect(removed.code).toBe(0);
    const again = await cli(['tenant', 'idp', 'remove', 'acme-zendesk', 'twilio']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('has no twilio connection');
    expect((await cli(['tenant', 'idp', 'list', 'nobody'])).stderr).toContain('There is no help-desk tenant "nobody"');
  });

  it('shows the default policy, stores a new version, and refuses methods without an IdP', async () => {
    const shown = await cli(['tenant', 'policy', 'show', 'acme-zendesk']);
    expect(shown.code).toBe(0);
    expect(shown.stdout.split('\n')[0]).toContain('default policy');
    expect(JSON.parse(shown.stdout.slice(shown.stdout.indexOf('{')))).toMatchObject({ methods: ['okta_push'], fallbackMethod: 'okta_push' });

    writeFileSync(path.join(dir, 'policy.json'), JSON.stringify({ methods: ['okta_push'], recentFactorHours: 12, supervisors: ['agent-2'] }));
    const set = await cli(['tenant', 'policy', 'set', 'acme-zendesk', '--file', 'policy.json']);
    expect(set.stderr).toBe('');
    expect(set.stdout.trim()).toBe('Policy version 1 saved for acme-zendesk: okta_push.');
    const after = await cli(['tenant', 'policy', 'show', 'acme-zendesk']);
    expect(after.stdout).toContain('policy version 1');
    expect(JSON.parse(after.stdout.slice(after.stdout.indexOf('{')))).toMatchObject({ recentFactorHours: 12, supervisors: ['agent-2'] });

    const refused = await cli(['tenant', 'policy', 'set', 'acme-zendesk'], JSON.stringify({ methods: ['callback_sms'] }));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('callback_sms (no twilio connection)');
    const invalid = await cli(['tenant', 'policy', 'set', 'acme-zendesk'], JSON.stringify({ methods: [] }));
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('The policy is not valid: methods');
  });
});
