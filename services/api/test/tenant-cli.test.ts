import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { TOKEN, startTestApp, type TestApp } from './harness';

/** `vouchsafe tenant add|list|remove`: the real CLI process against the API over HTTP. */

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/vouchsafe.mjs');
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
  dir = mkdtempSync(path.join(tmpdir(), 'vs-cli-'));
  desks = await startDeskStandIns();
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
  await desks?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('vouchsafe tenant', () => {
  it('adds from a file and from stdin, lists, and removes; credentials are never printed', async () => {
    const { zendesk, jira } = desks.tenants();
    writeFileSync(path.join(dir, 'tenant.json'), JSON.stringify(zendesk), { mode: 0o600 });
    const added = await cli(['tenant', 'add', '--file', 'tenant.json']);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout.trim().split('\n').at(-1)).toBe('Tenant acme-zendesk added (zendesk acme).');

    const piped = await cli(['tenant', 'add', '--file', '-'], JSON.stringify(jira));
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain('Tenant acme-jira added (jira');

    const again = await cli(['tenant', 'add', '--file', 'tenant.json']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already used');

    const list = await cli(['tenant', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^acme-zendesk\tzendesk\tacme\tAcme \(Zendesk\)\t/m);
    expect(list.stdout).toMatch(/^acme-jira\tjira\t/m);

    const removed = await cli(['tenant', 'remove', 'acme-zendesk']);
    expect(removed.code).toBe(0);
    expect((await cli(['tenant', 'list'])).stdout).not.toContain('acme-zendesk');

    const all = [added, piped, again, list, removed].map((r) => r.stdout + r.stderr).join('');
    for (const secret of [...Object.values(zendesk.credentials), ...Object.values(jira.credentials)]) expect(all).not.toContain(secret);
  });

  it('names what is wrong in a bad definition without echoing its values', async () => {
    const { servicenow } = desks.tenants();
    const bad = { ...servicenow, credentials: { username: 'svc', password: 'short' } };
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(bad));
    const res = await cli(['tenant', 'add', '--file', 'bad.json']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('credentials');
    expect(res.stderr).not.toContain('short');
    writeFileSync(path.join(dir, 'junk.json'), '{not json');
    expect((await cli(['tenant', 'add', '--file', 'junk.json'])).stderr).toContain('is not valid JSON');
    expect((await cli(['tenant', 'remove'])).stderr).toContain('Give the slug');
  });
});
