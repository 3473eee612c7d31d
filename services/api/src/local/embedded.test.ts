import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { API_TOKEN_SCOPES, apiToken, weakTokenReason } from '../modules/api-tokens/api-tokens';
import { generateKeyEntry } from '../modules/keys/keyring';
import { generateAuditKey, parseAuditSigningKey } from '../modules/audit/checkpoints-keys';
import { LOCAL_API_TOKEN_NAME, loadOrCreateState, localStatePath } from './embedded';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vs-local-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('embedded local state (.data/local.json)', () => {
  it('creates one local token that the API accepts with every scope', async () => {
    const dir = dataDir();
    const state = await loadOrCreateState(dir, 5433);
    expect(weakTokenReason(state.apiToken)).toBeUndefined();
    expect(apiToken(LOCAL_API_TOKEN_NAME, API_TOKEN_SCOPES, state.apiToken).scopes).toEqual(['secrets', 'admin', 'metrics', 'auditor']);
    expect(statSync(localStatePath(dir)).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateState(dir, 0)).toEqual(state);
  });

  it('upgrades a file from before scoped tokens: a new token, everything else kept, still 0600', async () => {
    const dir = dataDir();
    const old = {
      pgPort: 54321,
      pgPassword: 'old-password',
      keys: generateKeyEntry('local1'),
      apiToken: `vs_local_${randomBytes(24).toString('base64url')}`,
      auditSigningKey: generateAuditKey('local-audit1').signingKey,
    };
    writeFileSync(localStatePath(dir), JSON.stringify(old), { mode: 0o600 });
    expect(weakTokenReason(old.apiToken)).toBeDefined();
    const state = await loadOrCreateState(dir, 0);
    expect(state).toEqual({ ...old, apiToken: expect.any(String) });
    expect(state.apiToken).not.toBe(old.apiToken);
    expect(weakTokenReason(state.apiToken)).toBeUndefined();
    // Written back, so the CLI and the demo desk read the same token.
    expect(JSON.parse(readFileSync(localStatePath(dir), 'utf8'))).toEqual(state);
    expect(statSync(localStatePath(dir)).mode & 0o777).toBe(0o600);
  });

  it('adds an audit signing key to a file from before issue 9, keeping everything else', async () => {
    const dir = dataDir();
    const old = {
      pgPort: 54321,
      pgPassword: 'old-password',
      keys: generateKeyEntry('local1'),
      apiToken: (await loadOrCreateState(dataDir(), 1)).apiToken,
    };
    writeFileSync(localStatePath(dir), JSON.stringify(old), { mode: 0o600 });
    const state = await loadOrCreateState(dir, 0);
    expect(state).toEqual({ ...old, auditSigningKey: expect.any(String) });
    expect(parseAuditSigningKey(state.auditSigningKey).kid).toBe('local-audit1');
    expect(JSON.parse(readFileSync(localStatePath(dir), 'utf8'))).toEqual(state);
    // Kept from then on: the checkpoints already published stay verifiable with the same key.
    expect((await loadOrCreateState(dir, 0)).auditSigningKey).toBe(state.auditSigningKey);
  });
});
