import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Pkcs11Js from 'pkcs11js';
import {
  API_DIR,
  apiCliEntry,
  apiMainArgv,
  TEST_API_TOKEN,
  TEST_AUDIT_SIGNING_KEY,
  createSoftHsmToken,
  startApi,
  type ApiProcess,
  type SoftHsmToken,
} from '@vouchsafe/test-support';
import { injectedSoftHsm } from '@vouchsafe/test-support/vitest';
import { ConfigError, parseKeyring, SecretText, type Pkcs11Settings } from '../src/config';
import { createKeyring } from '../src/modules/keys/create-keyring';
import { generateKeyEntry } from '../src/modules/keys/keyring';
import { generatePkcs11Kek, openPkcs11Provider } from '../src/modules/keys/pkcs11-provider';
import { rotateKeys } from '../src/modules/keys/rotate-keys';
import { createSecret, reveal, startTestApp, type Created, type TestApp } from './harness';

/**
 * Issue 10: key-encryption keys in a PKCS#11 token, against a real SoftHSM2 token made for this file (its own
 * SOFTHSM2_CONF and token directory). One database, one token; the app is restarted with each keyring.
 */

const BIN = apiCliEntry();
const PIN = '5791';
const ENV_KEY = generateKeyEntry('k1');
const SESSION_KEY = generateKeyEntry('s1');
const pk = createRequire(import.meta.url)('pkcs11js') as typeof Pkcs11Js;

let token: SoftHsmToken;
let modulePath: string;
let t: TestApp;
let api: ApiProcess | undefined;
const settings = (keyLabels: string[], over: Partial<Pkcs11Settings> = {}): Pkcs11Settings => ({
  modulePath,
  tokenLabel: token.label,
  pin: new SecretText(PIN),
  keyLabels,
  ...over,
});
/** The variables an operator sets for this token (PIN from a file is tested in config.test.ts). */
const hsmEnv = (keys: string, over: Record<string, string> = {}): Record<string, string> => ({
  ...token.env,
  VOUCHSAFE_PKCS11_MODULE: modulePath,
  VOUCHSAFE_PKCS11_TOKEN_LABEL: token.label,
  VOUCHSAFE_PKCS11_PIN: PIN,
  VOUCHSAFE_PKCS11_KEYS: keys,
  ...over,
});

beforeAll(async () => {
  modulePath = injectedSoftHsm().modulePath;
  token = await createSoftHsmToken(injectedSoftHsm(), { label: 'vouchsafe-ci', pin: PIN });
  // The SoftHSM module reads its configuration from the environment when this process first initialises it.
  process.env.SOFTHSM2_CONF = token.env.SOFTHSM2_CONF;
  generatePkcs11Kek(settings([]), 'kek-a');
  generatePkcs11Kek(settings([]), 'kek-b');
  t = await startTestApp({ keys: ENV_KEY, sessionKeys: parseKeyring(SESSION_KEY) });
});

afterAll(async () => {
  await api?.stop();
  await t?.close();
  await token?.remove();
});

const kidsOf = async (ids: string[]) =>
  (await t.db.selectFrom('secret_payloads').select(['secret_id', 'kid']).where('secret_id', 'in', ids).execute()).map((r) => r.kid);

const expectReveals = async (base: string, secret: Created, text: string) => {
  const r = await reveal(base, secret);
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  expect(r.payload).toEqual({ kind: 'text', text });
};

function run(args: string[], env: Record<string, string>, entry: 'cli' | 'api'): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const argv = entry === 'cli' ? [BIN, ...args] : apiMainArgv();
    const child = spawn(process.execPath, argv, {
      cwd: API_DIR,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('KEKs in a PKCS#11 token (SoftHSM2)', () => {
  it('moves secrets from environment keys to the HSM key and between HSM keys, online, and they still reveal', async () => {
    // Before the HSM: two secrets under the environment key.
    const envA = await createSecret(t.url, { kind: 'text', text: 'env A' });
    const envB = await createSecret(t.url, { kind: 'text', text: 'env B' });
    expect(await kidsOf([envA.id, envB.id])).toEqual(['k1', 'k1']);

    // 1. Every process gets the token first and keeps the environment key after it: new secrets go to the HSM.
    t = await t.withKeys(createKeyring({ pkcs11: settings(['kek-a']) }, parseKeyring(ENV_KEY)));
    expect(t.keyring.activeKid).toBe('pkcs11:kek-a');
    const hsmA = await createSecret(t.url, { kind: 'text', text: 'hsm A' });
    expect(await kidsOf([hsmA.id])).toEqual(['pkcs11:kek-a']);

    // 2. Rotate while the app serves: a reveal and a create run alongside it; a second run finds nothing left to do.
    const [rotated, , during] = await Promise.all([
      rotateKeys(t.db, t.keyring),
      expectReveals(t.url, envB, 'env B'),
      createSecret(t.url, { kind: 'text', text: 'during' }),
    ]);
    expect(rotated.remaining).toBe(0);
    expect(rotated.rewrapped).toBeGreaterThanOrEqual(1);
    expect(await rotateKeys(t.db, t.keyring)).toEqual({ rewrapped: 0, remaining: 0 });
    const kids = await t.db.selectFrom('secret_payloads').select('kid').distinct().execute();
    expect(kids.map((k) => k.kid)).toEqual(['pkcs11:kek-a']);

    // 3. Only the token now: the secret created under the environment key reveals through the HSM.
    t = await t.withKeys(createKeyring({ pkcs11: settings(['kek-a']) }, undefined));
    await expectReveals(t.url, envA, 'env A');

    // 4. HSM → HSM with the CLI, as an operator runs it: kek-b first, kek-a after.
    const cli = await run(
      ['keys', 'rotate'],
      { DATABASE_URL: t.database.url, VOUCHSAFE_SESSION_KEYS: SESSION_KEY, ...hsmEnv('kek-b,kek-a') },
      'cli',
    );
    expect(cli.code, cli.output).toBe(0);
    expect(cli.output).toMatch(/Rotation complete: \d+ data keys re-wrapped; every secret is now under key pkcs11:kek-b/);
    expect(await kidsOf([hsmA.id, during.id])).toEqual(['pkcs11:kek-b', 'pkcs11:kek-b']);

    // 5. A production process with kek-b alone, no environment KEK at all (sessions get their own key).
    api = await startApi({
      databaseUrl: t.database.url,
      env: hsmEnv('kek-b', { VOUCHSAFE_SESSION_KEYS: SESSION_KEY }),
      unsetEnv: ['VOUCHSAFE_KEYS'],
    });
    await expectReveals(api.url, hsmA, 'hsm A');
    await expectReveals(api.url, during, 'during');
    const fresh = await createSecret(api.url, { kind: 'text', text: 'under kek-b' }, {}, TEST_API_TOKEN);
    expect(await kidsOf([fresh.id])).toEqual(['pkcs11:kek-b']);
    await expectReveals(api.url, fresh, 'under kek-b');
    expect(api.logs()).toMatch(/"kekProvider":"pkcs11"/);
    expect(api.logs()).not.toContain(PIN);
  });

  it('keeps the KEK inside the token: reading its value is refused, and start-up refuses a key that could leave', () => {
    const p11 = new pk.PKCS11();
    p11.load(modulePath);
    // The keyrings above initialised the module in this process already; finalising would end their sessions.
    expect(() => p11.C_Initialize()).toThrow(/CKR_CRYPTOKI_ALREADY_INITIALIZED/);
    {
      const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === token.label)!;
      const session = p11.C_OpenSession(slot, pk.CKF_SERIAL_SESSION | pk.CKF_RW_SESSION);
      try {
        p11.C_Login(session, pk.CKU_USER, PIN);
      } catch (err) {
        if (!/CKR_USER_ALREADY_LOGGED_IN/.test((err as Error).message)) throw err;
      }
      p11.C_FindObjectsInit(session, [{ type: pk.CKA_LABEL, value: 'kek-a' }]);
      const [kek] = p11.C_FindObjects(session, 2);
      p11.C_FindObjectsFinal(session);
      expect(() => p11.C_GetAttributeValue(session, kek!, [{ type: pk.CKA_VALUE }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
      const [extractable, neverExtractable] = p11.C_GetAttributeValue(session, kek!, [
        { type: pk.CKA_EXTRACTABLE },
        { type: pk.CKA_NEVER_EXTRACTABLE },
      ]);
      expect([extractable!.value, neverExtractable!.value]).toEqual([Buffer.from([0]), Buffer.from([1])]);

      // Someone creates a KEK that can be exported: the provider will not use it.
      p11.C_GenerateKey(session, { mechanism: pk.CKM_AES_KEY_GEN }, [
        { type: pk.CKA_CLASS, value: pk.CKO_SECRET_KEY },
        { type: pk.CKA_KEY_TYPE, value: pk.CKK_AES },
        { type: pk.CKA_VALUE_LEN, value: 32 },
        { type: pk.CKA_LABEL, value: 'leaky' },
        { type: pk.CKA_TOKEN, value: true },
        { type: pk.CKA_SENSITIVE, value: true },
        { type: pk.CKA_EXTRACTABLE, value: true },
        { type: pk.CKA_ENCRYPT, value: true },
        { type: pk.CKA_DECRYPT, value: true },
      ]);
      expect(() => openPkcs11Provider(settings(['leaky']))).toThrow(ConfigError);
      expect(() => openPkcs11Provider(settings(['leaky']))).toThrow(/"leaky" is extractable or not sensitive/);
      p11.C_CloseSession(session);
    }
  });

  it('reopens its session and logs in again when the token drops it (sessions closed under it), once per operation', () => {
    const provider = openPkcs11Provider(settings(['kek-a']));
    try {
      const aad = Buffer.from('vouchsafe:test:reconnect');
      const dataKey = Buffer.alloc(32, 7);
      const wrapped = provider.wrap('pkcs11:kek-a', dataKey, aad);
      // What a token reset or an HSM fail-over looks like to the application: every session on the slot is gone,
      // and with the last one the login.
      const p11 = new pk.PKCS11();
      p11.load(modulePath);
      expect(() => p11.C_Initialize()).toThrow(/CKR_CRYPTOKI_ALREADY_INITIALIZED/);
      const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === token.label)!;
      p11.C_CloseAllSessions(slot);
      expect(provider.unwrap('pkcs11:kek-a', wrapped, aad)).toEqual(dataKey);
      p11.C_CloseAllSessions(slot);
      expect(provider.unwrap('pkcs11:kek-a', provider.wrap('pkcs11:kek-a', dataKey, aad), aad)).toEqual(dataKey);
      // A value that is wrong stays wrong: no reconnect turns a failed tag check into anything else.
      const tampered = Buffer.from(wrapped);
      tampered[tampered.length - 1]! ^= 1;
      expect(() => provider.unwrap('pkcs11:kek-a', tampered, aad)).toThrow();
    } finally {
      provider.close?.();
    }
  });

  it('stops start-up with exit 78 and one clear sentence on a wrong PIN, and names a missing token, never the PIN', async () => {
    const wrongPin = await run(
      [],
      {
        DATABASE_URL: t.database.url,
        VOUCHSAFE_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
        VOUCHSAFE_SESSION_KEYS: SESSION_KEY,
        ...hsmEnv('kek-b', { VOUCHSAFE_PKCS11_PIN: '0000-wrong' }),
      },
      'api',
    );
    expect(wrongPin.code, wrongPin.output).toBe(78);
    expect(wrongPin.output).toContain('The PKCS#11 token "vouchsafe-ci" refused the PIN: check VOUCHSAFE_PKCS11_PIN');
    expect(wrongPin.output).not.toContain('0000-wrong');
    // The same start-up path (a ConfigError, so exit 78), checked in-process to spare a second process start.
    const noToken = () => createKeyring({ pkcs11: settings(['kek-b'], { tokenLabel: 'not-plugged-in' }) }, undefined);
    expect(noToken).toThrow(ConfigError);
    expect(noToken).toThrow(
      /^No PKCS#11 token labelled "not-plugged-in" is present in .*libsofthsm2\.so \(\d+ token\(s\) found: "vouchsafe-ci"/,
    );
  });
});
