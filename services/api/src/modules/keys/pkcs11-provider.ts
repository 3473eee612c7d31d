import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Pkcs11Js from 'pkcs11js';
import { ConfigError, type Pkcs11Settings } from '../../config';
import type { KekProvider } from './kek-provider';

/**
 * Key-encryption keys inside a PKCS#11 token (an HSM; SoftHSM2 in tests and development), through the pkcs11js
 * binding. Each KEK is a token AES-256 key created non-extractable and sensitive (`vouchsafe keys generate
 * --hsm-label`); start-up refuses a key that is not.
 *
 * Mechanism: CKM_AES_GCM through C_Encrypt/C_Decrypt, data key as the plaintext, not CKM_AES_KEY_WRAP_PAD through
 * C_WrapKey/C_UnwrapKey, because
 *  - GCM takes additional authenticated data: the wrapped key stays bound to format + kid + tenant + secret id exactly
 *    as the environment provider binds it (a wrapped key copied onto another row fails closed inside the token);
 *  - one call pair per operation, and the data key never becomes a token object (C_UnwrapKey would create one whose
 *    CKA_VALUE we would then have to read back, which FIPS-mode tokens refuse);
 *  - the bytes have the environment provider's layout (IV ‖ ciphertext ‖ tag), so `format` stays 1.
 * The 96-bit IV comes from Node's CSPRNG: random IVs keep one key under NIST SP 800-38D's 2^32 limit only while it
 * wraps fewer than ~4 billion data keys; rotate HSM keys long before. A Thales Luna in FIPS mode generates the GCM IV
 * itself and refuses ours (confirmed in Thales's docs); other vendors are UNCONFIRMED (modules/keys/NOTES.md).
 *
 * Calls are synchronous (pkcs11js' sync API on one session): they block the event loop for the token's answer,
 * microseconds with SoftHSM, a network round trip with a network HSM. A lost session (token reset or failed over,
 * sessions closed) is reopened and logged in again once per operation (SESSION_LOST). Never logs; throws.
 */

type Pkcs11Module = typeof Pkcs11Js;
type Session = Pkcs11Js.Handle;

const PREFIX = 'pkcs11:';
export const pkcs11Kid = (label: string): string => `${PREFIX}${label}`;

/** One loaded module per path per process (C_Initialize is per process), counted so the last user finalises it. */
const loaded = new Map<string, { p11: Pkcs11Js.PKCS11; users: number }>();

function binding(): Pkcs11Module {
  try {
    return createRequire(import.meta.url)('pkcs11js') as Pkcs11Module;
  } catch {
    throw new ConfigError(
      'VOUCHSAFE_PKCS11_MODULE is set but the PKCS#11 binding (npm package pkcs11js) is not installed or not built: it builds with node-gyp at `pnpm install` (python3, make and g++ with Node headers).',
    );
  }
}

const codeOf = (err: unknown): string => (err instanceof Error ? err.message.split(/[\s:]/)[0]! : 'unknown error');

function acquire(pk: Pkcs11Module, modulePath: string): Pkcs11Js.PKCS11 {
  const known = loaded.get(modulePath);
  if (known) {
    known.users += 1;
    return known.p11;
  }
  const p11 = new pk.PKCS11();
  try {
    p11.load(modulePath);
  } catch {
    throw new ConfigError(`VOUCHSAFE_PKCS11_MODULE ${modulePath} could not be loaded as a PKCS#11 module: check the path.`);
  }
  try {
    p11.C_Initialize();
  } catch (err) {
    if (codeOf(err) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
      throw new ConfigError(`The PKCS#11 module ${modulePath} did not initialise (${codeOf(err)}).`);
    }
  }
  loaded.set(modulePath, { p11, users: 1 });
  return p11;
}

function release(modulePath: string): void {
  const known = loaded.get(modulePath);
  if (!known) return;
  known.users -= 1;
  if (known.users > 0) return;
  loaded.delete(modulePath);
  try {
    known.p11.C_Finalize();
  } catch {
    // Already finalised or the token is gone: nothing left to release.
  }
}

/** Opens a logged-in session on the token labelled `tokenLabel` (a read-write one to create keys). */
function openSession(pk: Pkcs11Module, p11: Pkcs11Js.PKCS11, s: Pkcs11Settings, readWrite: boolean): Session {
  const slots = p11.C_GetSlotList(true);
  const labels = slots.map((slot) => p11.C_GetTokenInfo(slot).label.trim());
  const index = labels.indexOf(s.tokenLabel);
  if (index < 0) {
    throw new ConfigError(
      `No PKCS#11 token labelled "${s.tokenLabel}" is present in ${s.modulePath} (${slots.length} token(s) found${labels.length > 0 ? `: ${labels.map((l) => `"${l}"`).join(', ')}` : ''}): check VOUCHSAFE_PKCS11_TOKEN_LABEL and that the token is connected.`,
    );
  }
  if (labels.indexOf(s.tokenLabel, index + 1) >= 0) {
    throw new ConfigError(`More than one PKCS#11 token is labelled "${s.tokenLabel}": give each token its own label.`);
  }
  const session = p11.C_OpenSession(slots[index]!, pk.CKF_SERIAL_SESSION | (readWrite ? pk.CKF_RW_SESSION : 0));
  try {
    p11.C_Login(session, pk.CKU_USER, s.pin.reveal());
  } catch (err) {
    const code = codeOf(err);
    // Login state is per process and token: another provider of this process may have logged in already.
    if (code !== 'CKR_USER_ALREADY_LOGGED_IN') {
      p11.C_CloseSession(session);
      const why =
        code === 'CKR_PIN_INCORRECT' || code === 'CKR_PIN_LEN_RANGE'
          ? 'refused the PIN'
          : code === 'CKR_PIN_LOCKED'
            ? 'has locked its user PIN (too many wrong PINs; the security officer must reset it)'
            : `refused the login (${code})`;
      throw new ConfigError(`The PKCS#11 token "${s.tokenLabel}" ${why}: check VOUCHSAFE_PKCS11_PIN or VOUCHSAFE_PKCS11_PIN_FILE.`);
    }
  }
  return session;
}

function findKeys(pk: Pkcs11Module, p11: Pkcs11Js.PKCS11, session: Session, label: string): Pkcs11Js.Handle[] {
  p11.C_FindObjectsInit(session, [
    { type: pk.CKA_CLASS, value: pk.CKO_SECRET_KEY },
    { type: pk.CKA_LABEL, value: label },
  ]);
  try {
    return p11.C_FindObjects(session, 2);
  } finally {
    p11.C_FindObjectsFinal(session);
  }
}

const isTrue = (value: Buffer | undefined): boolean => value !== undefined && value.length > 0 && value[0] === 1;

/** Why this key may not serve as a KEK, or undefined: AES-256, usable for encrypt/decrypt, never readable. */
function kekProblem(pk: Pkcs11Module, p11: Pkcs11Js.PKCS11, session: Session, key: Pkcs11Js.Handle): string | undefined {
  const [type, length, extractable, sensitive, encrypt, decrypt] = p11
    .C_GetAttributeValue(session, key, [
      { type: pk.CKA_KEY_TYPE },
      { type: pk.CKA_VALUE_LEN },
      { type: pk.CKA_EXTRACTABLE },
      { type: pk.CKA_SENSITIVE },
      { type: pk.CKA_ENCRYPT },
      { type: pk.CKA_DECRYPT },
    ])
    .map((a) => a.value as Buffer | undefined);
  if (!type || type.readUIntLE(0, Math.min(type.length, 6)) !== pk.CKK_AES) return 'is not an AES key';
  if (!length || length.readUIntLE(0, Math.min(length.length, 6)) !== 32) return 'is not 256 bits long';
  // One statement per decision: a KEK that could leave the token is refused, whatever else it allows.
  if (isTrue(extractable) || !isTrue(sensitive)) return 'is extractable or not sensitive (its value could leave the token)';
  if (!isTrue(encrypt) || !isTrue(decrypt)) return 'does not allow encrypt and decrypt';
  return undefined;
}

/**
 * Logs in to the token and finds every configured key (first active). Start-up problems — module, token, PIN, key —
 * are ConfigErrors, so the process exits 78 with one sentence that never contains the PIN.
 */
export function openPkcs11Provider(s: Pkcs11Settings): KekProvider {
  const pk = binding();
  const p11 = acquire(pk, s.modulePath);
  let session: Session | undefined;
  try {
    session = openSession(pk, p11, s, false);
    const keys = new Map<string, Pkcs11Js.Handle>();
    for (const label of s.keyLabels) {
      const found = findKeys(pk, p11, session, label);
      if (found.length === 0) {
        throw new ConfigError(
          `The PKCS#11 token "${s.tokenLabel}" has no secret key labelled "${label}" (VOUCHSAFE_PKCS11_KEYS): create one with \`vouchsafe keys generate --hsm-label ${label}\`.`,
        );
      }
      if (found.length > 1) throw new ConfigError(`The PKCS#11 token "${s.tokenLabel}" holds more than one key labelled "${label}".`);
      const problem = kekProblem(pk, p11, session, found[0]!);
      if (problem) throw new ConfigError(`The PKCS#11 key "${label}" ${problem}: it cannot serve as a key-encryption key.`);
      keys.set(pkcs11Kid(label), found[0]!);
    }
    return gcmProvider(pk, p11, s, session, keys);
  } catch (err) {
    if (session !== undefined) p11.C_CloseSession(session);
    release(s.modulePath);
    throw err;
  }
}

/**
 * Answers that mean the session (or the login it carried) is gone — the token was reset, unplugged, failed over, or
 * something in this process closed every session — rather than that this value or key is wrong. The provider then
 * opens a new session, logs in again, finds its keys again by label and retries the operation once.
 */
const SESSION_LOST = new Set([
  'CKR_SESSION_HANDLE_INVALID',
  'CKR_SESSION_CLOSED',
  'CKR_USER_NOT_LOGGED_IN',
  'CKR_DEVICE_REMOVED',
  'CKR_TOKEN_NOT_PRESENT',
  'CKR_OBJECT_HANDLE_INVALID',
  'CKR_KEY_HANDLE_INVALID',
]);

function gcmProvider(
  pk: Pkcs11Module,
  p11: Pkcs11Js.PKCS11,
  s: Pkcs11Settings,
  first: Session,
  keys: Map<string, Pkcs11Js.Handle>,
): KekProvider {
  let session = first;
  const key = (kid: string): Pkcs11Js.Handle => {
    const handle = keys.get(kid);
    if (!handle) throw new Error(`kid ${kid} is not a key of this token`);
    return handle;
  };
  /** A new logged-in session and fresh handles for the same labels (a handle may not survive its session). */
  const reconnect = (): void => {
    try {
      p11.C_CloseSession(session);
    } catch {
      // Already gone: that is why we are here.
    }
    const fresh = openSession(pk, p11, s, false);
    try {
      for (const label of s.keyLabels) {
        const [handle] = findKeys(pk, p11, fresh, label);
        if (handle === undefined) throw new Error(`the PKCS#11 key "${label}" is no longer on the token`);
        keys.set(pkcs11Kid(label), handle);
      }
    } catch (err) {
      p11.C_CloseSession(fresh);
      throw err;
    }
    session = fresh;
  };
  /** Runs one token operation; if the session was lost, reconnects and runs it once more. */
  const withSession = <T>(operation: () => T): T => {
    try {
      return operation();
    } catch (err) {
      if (!SESSION_LOST.has(codeOf(err))) throw err;
      reconnect();
      return operation();
    }
  };
  // CK_GCM_PARAMS as PKCS#11 v2.40 defines it (with ulIvBits), which SoftHSM 2.6 reads.
  const gcm = (iv: Buffer, aad: Buffer): Pkcs11Js.Mechanism => ({
    mechanism: pk.CKM_AES_GCM,
    parameter: { type: pk.CK_PARAMS_AES_GCM_v240, iv, ivBits: 96, aad, tagBits: 128 } as Pkcs11Js.IParams,
  });
  let closed = false;
  return {
    name: 'pkcs11',
    kids: [...keys.keys()],
    wrap(kid, dataKey, aad) {
      return withSession(() => {
        const iv = randomBytes(12);
        p11.C_EncryptInit(session, gcm(iv, aad), key(kid));
        return Buffer.concat([iv, p11.C_Encrypt(session, dataKey, Buffer.alloc(dataKey.length + 16))]);
      });
    },
    unwrap(kid, wrapped, aad) {
      if (wrapped.length < 12 + 16) throw new Error('wrapped key too short');
      return withSession(() => {
        p11.C_DecryptInit(session, gcm(wrapped.subarray(0, 12), aad), key(kid));
        return p11.C_Decrypt(session, wrapped.subarray(12), Buffer.alloc(wrapped.length - 12));
      });
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        p11.C_CloseSession(session);
      } catch {
        // The token went away: the session is gone with it.
      }
      release(s.modulePath);
    },
  };
}

/**
 * Creates an AES-256 key-encryption key inside the token: token object, private, sensitive, never extractable, for
 * encrypt/decrypt only, not modifiable. Refuses a label that is taken. Used by `vouchsafe keys generate --hsm-label`.
 */
export function generatePkcs11Kek(s: Omit<Pkcs11Settings, 'keyLabels'>, label: string): string {
  const pk = binding();
  const p11 = acquire(pk, s.modulePath);
  let session: Session | undefined;
  try {
    session = openSession(pk, p11, { ...s, keyLabels: [] }, true);
    if (findKeys(pk, p11, session, label).length > 0) {
      throw new ConfigError(`The PKCS#11 token "${s.tokenLabel}" already holds a key labelled "${label}": choose another label.`);
    }
    p11.C_GenerateKey(session, { mechanism: pk.CKM_AES_KEY_GEN }, [
      { type: pk.CKA_CLASS, value: pk.CKO_SECRET_KEY },
      { type: pk.CKA_KEY_TYPE, value: pk.CKK_AES },
      { type: pk.CKA_VALUE_LEN, value: 32 },
      { type: pk.CKA_LABEL, value: label },
      { type: pk.CKA_TOKEN, value: true },
      { type: pk.CKA_PRIVATE, value: true },
      { type: pk.CKA_SENSITIVE, value: true },
      { type: pk.CKA_EXTRACTABLE, value: false },
      { type: pk.CKA_MODIFIABLE, value: false },
      { type: pk.CKA_ENCRYPT, value: true },
      { type: pk.CKA_DECRYPT, value: true },
      { type: pk.CKA_WRAP, value: false },
      { type: pk.CKA_UNWRAP, value: false },
      { type: pk.CKA_SIGN, value: false },
      { type: pk.CKA_VERIFY, value: false },
      { type: pk.CKA_DERIVE, value: false },
    ]);
    return pkcs11Kid(label);
  } finally {
    if (session !== undefined) p11.C_CloseSession(session);
    release(s.modulePath);
  }
}
