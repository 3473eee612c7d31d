import { describe, expect, it } from 'vitest';
import { useCliWorld } from './cli-support';

/** `vouchsafe token create|list|revoke`: the real CLI process against the API over HTTP. */

const w = useCliWorld('vs-token-cli-');

describe('vouchsafe token', () => {
  it('creates a token shown once (last line), lists it without the value, and revokes it', async () => {
    const created = await w.cli(['token', 'create', 'scraper', '--scopes', 'metrics', '--days', '30']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const token = created.stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^vsk_[A-Za-z0-9_-]{43}$/);
    expect(created.stdout).toContain('shown only now');
    expect((await fetch(`${w.t.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    const list = await w.cli(['token', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^scraper\tmetrics\tstored\tlive\t\d{4}-/m);
    expect(list.stdout).toMatch(/^integration\tsecrets\+admin\+metrics\+auditor\tenvironment\tlive\tnever\t/m);
    expect(list.stdout).not.toContain(token);

    expect((await w.cli(['token', 'revoke', 'scraper'])).code).toBe(0);
    expect((await fetch(`${w.t.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await w.cli(['token', 'list'])).stdout).toMatch(/^scraper\tmetrics\tstored\trevoked /m);
  });

  it('says what is wrong', async () => {
    expect((await w.cli(['token', 'create', 'x', '--scopes', 'metrics', '--days', '0'])).stderr).toContain('--days');
    const bad = await w.cli(['token', 'create', 'x', '--scopes', 'root']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('scopes');
  });
});
