import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCliWorld } from './cli-support';
import { TOKEN, api } from './harness';

/** `vouchsafe tenant idp …` and `tenant policy …`: the real CLI process against the API over HTTP. */

const OKTA_TOKEN = '00cli-okta-api-token-31337';
const w = useCliWorld('vs-idp-cli-');

beforeAll(async () => {
  expect(
    (await api(w.t.url, 'POST', '/api/v1/admin/tenants', w.desks.tenants().zendesk, { authorization: `Bearer ${TOKEN}` })).status,
  ).toBe(201);
});

describe('vouchsafe tenant idp / policy', () => {
  it('connects an IdP from a file, lists it without secrets, and removes it', async () => {
    writeFileSync(
      path.join(w.dir, 'okta.json'),
      JSON.stringify({ kind: 'okta', orgUrl: 'http://localhost:4711', auth: { apiToken: OKTA_TOKEN } }),
      { mode: 0o600 },
    );
    const set = await w.cli(['tenant', 'idp', 'set', 'acme-zendesk', '--file', 'okta.json']);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout.trim()).toBe('okta connection saved for acme-zendesk.');

    const twilio = {
      kind: 'twilio',
      accountSid: `AC${'1'.repeat(32)}`,
      authToken: 'cli-twilio-token-123',
      serviceSid: `VA${'2'.repeat(32)}`,
    };
    const piped = await w.cli(['tenant', 'idp', 'set', 'acme-zendesk'], JSON.stringify(twilio));
    expect(piped.code).toBe(0);

    const list = await w.cli(['tenant', 'idp', 'list', 'acme-zendesk']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toBe('kind\tupdated\tsettings');
    expect(lines.slice(1).map((l) => l.split('\t')[0])).toEqual(['okta', 'twilio']);
    expect(list.stdout).not.toContain(OKTA_TOKEN);
    expect(list.stdout).not.toContain('cli-twilio-token-123');

    const bad = await w.cli(['tenant', 'idp', 'set', 'acme-zendesk'], JSON.stringify({ ...twilio, accountSid: 'x' }));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('accountSid');
    expect(bad.stderr).not.toContain('cli-twilio-token-123');

    // An Entra connection matching on a claim people can change is refused before anything is sent (S11).
    const entra = {
      kind: 'oidc',
      flavor: 'entra',
      issuer: 'http://127.0.0.1:9/6f1c2a4e-0000-4000-8000-0000000e47a1/v2.0',
      clientId: 'app',
      clientSecret: 'cli-entra-secret-42',
      subjectClaim: 'upn',
    };
    const unsafe = await w.cli(['tenant', 'idp', 'set', 'acme-zendesk'], JSON.stringify(entra));
    expect(unsafe.code).toBe(1);
    expect(unsafe.stderr).toContain('subjectClaim must be "oid" for flavor "entra"');
    expect(unsafe.stderr).not.toContain('cli-entra-secret-42');

    const removed = await w.cli(['tenant', 'idp', 'remove', 'acme-zendesk', 'twilio']);
    expect(removed.code).toBe(0);
    const again = await w.cli(['tenant', 'idp', 'remove', 'acme-zendesk', 'twilio']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('has no twilio connection');
    expect((await w.cli(['tenant', 'idp', 'list', 'nobody'])).stderr).toContain('There is no help-desk tenant "nobody"');
  });

  it('shows the default policy, stores a new version, and refuses methods without an IdP', async () => {
    const shown = await w.cli(['tenant', 'policy', 'show', 'acme-zendesk']);
    expect(shown.code).toBe(0);
    expect(shown.stdout.split('\n')[0]).toContain('default policy');
    expect(JSON.parse(shown.stdout.slice(shown.stdout.indexOf('{')))).toMatchObject({
      methods: ['okta_push'],
      fallbackMethod: 'okta_push',
    });

    writeFileSync(
      path.join(w.dir, 'policy.json'),
      JSON.stringify({ methods: ['okta_push'], recentFactorHours: 12, supervisors: ['agent-2'] }),
    );
    const set = await w.cli(['tenant', 'policy', 'set', 'acme-zendesk', '--file', 'policy.json']);
    expect(set.stderr).toBe('');
    expect(set.stdout.trim()).toBe('Policy version 1 saved for acme-zendesk: Okta Verify push (okta_push).');
    const after = await w.cli(['tenant', 'policy', 'show', 'acme-zendesk']);
    expect(after.stdout).toContain('policy version 1');
    expect(JSON.parse(after.stdout.slice(after.stdout.indexOf('{')))).toMatchObject({ recentFactorHours: 12, supervisors: ['agent-2'] });

    const refused = await w.cli(['tenant', 'policy', 'set', 'acme-zendesk'], JSON.stringify({ methods: ['callback_sms'] }));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('callback_sms (no twilio connection)');
    const invalid = await w.cli(['tenant', 'policy', 'set', 'acme-zendesk'], JSON.stringify({ methods: [] }));
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('The policy is not valid: methods');
  });
});
