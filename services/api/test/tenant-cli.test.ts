import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliWorld } from './cli-support';

/** `vouchsafe tenant add|list|remove`: the real CLI process against the API over HTTP. */

const w = useCliWorld('vs-cli-');

describe('vouchsafe tenant', () => {
  it('adds from a file and from stdin, lists, and removes; credentials are never printed', async () => {
    const { zendesk, jira } = w.desks.tenants();
    writeFileSync(path.join(w.dir, 'tenant.json'), JSON.stringify(zendesk), { mode: 0o600 });
    const added = await w.cli(['tenant', 'add', '--file', 'tenant.json']);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout.trim().split('\n').at(-1)).toBe('Tenant acme-zendesk added (zendesk acme).');

    const piped = await w.cli(['tenant', 'add', '--file', '-'], JSON.stringify(jira));
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain('Tenant acme-jira added (jira');

    const again = await w.cli(['tenant', 'add', '--file', 'tenant.json']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already used');

    const list = await w.cli(['tenant', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^acme-zendesk\tzendesk\tacme\tAcme \(Zendesk\)\t/m);
    expect(list.stdout).toMatch(/^acme-jira\tjira\t/m);

    const removed = await w.cli(['tenant', 'remove', 'acme-zendesk']);
    expect(removed.code).toBe(0);
    expect((await w.cli(['tenant', 'list'])).stdout).not.toContain('acme-zendesk');

    const all = [added, piped, again, list, removed].map((r) => r.stdout + r.stderr).join('');
    for (const secret of [...Object.values(zendesk.credentials), ...Object.values(jira.credentials)]) expect(all).not.toContain(secret);
  });

  it('names what is wrong in a bad definition without echoing its values', async () => {
    const { servicenow } = w.desks.tenants();
    const bad = { ...servicenow, credentials: { username: 'svc', password: 'short' } };
    writeFileSync(path.join(w.dir, 'bad.json'), JSON.stringify(bad));
    const res = await w.cli(['tenant', 'add', '--file', 'bad.json']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('credentials');
    expect(res.stderr).not.toContain('short');
    writeFileSync(path.join(w.dir, 'junk.json'), '{not json');
    expect((await w.cli(['tenant', 'add', '--file', 'junk.json'])).stderr).toContain('is not valid JSON');
    expect((await w.cli(['tenant', 'remove'])).stderr).toContain('Give the slug');
  });
});
