import { createPrivateKey, createPublicKey, generateKeyPair, type JsonWebKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';

const generateRsa = promisify(generateKeyPair);

/** Which party a key signs for. `stranger` signs tokens that must be refused (right shape, wrong key). */
export type DeskKeyName = 'zendesk' | 'servicenow' | 'forge' | 'stranger';
const KEY_NAMES: readonly DeskKeyName[] = ['zendesk', 'servicenow', 'forge', 'stranger'];

/** Private keys as JWKs: what `DeskKeys.export()` returns and `createDeskStandIns({ keys })` takes back. */
export type DeskKeySet = Record<DeskKeyName, JWK>;

export interface DeskKeys {
  readonly privateKeys: Readonly<Record<DeskKeyName, KeyObject>>;
  /** SPKI PEM of the Zendesk app's signed-URL key (a tenant's `publicKeyPem`). */
  readonly zendeskPublicKeyPem: string;
  /** SPKI PEM of the ServiceNow JWT provider's key (a tenant's `certificatePem`; the API accepts either form). */
  readonly serviceNowPublicKeyPem: string;
  /** SPKI PEM of the stranger key, for tests that register the "wrong" key on purpose. */
  readonly strangerPublicKeyPem: string;
  /** `kid` of the Forge key in the JWKS and in every minted Forge Invocation Token. */
  readonly forgeKid: string;
  /** What `GET /jira/.well-known/jwks.json` serves. */
  readonly jwks: { keys: JWK[] };
  /** Private JWKs, e.g. for a demo that keeps its keys across restarts. Test material only. */
  export(): DeskKeySet;
}

async function loadOrGenerate(name: DeskKeyName, existing: DeskKeySet | undefined): Promise<KeyObject> {
  const jwk = existing?.[name];
  if (jwk) return createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  const pair = await generateRsa('rsa', { modulusLength: 2048 });
  return pair.privateKey;
}

function publicPem(key: KeyObject): string {
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

/** RSA-2048 keys for the three desks (generated, or imported from `existing`). */
export async function createDeskKeys(existing?: DeskKeySet): Promise<DeskKeys> {
  const keys = await Promise.all(KEY_NAMES.map((name) => loadOrGenerate(name, existing)));
  const privateKeys = Object.fromEntries(KEY_NAMES.map((name, i) => [name, keys[i]])) as Record<DeskKeyName, KeyObject>;
  const forgePublic = createPublicKey(privateKeys.forge).export({ format: 'jwk' }) as JWK;
  const forgeKid = await calculateJwkThumbprint(forgePublic);
  return {
    privateKeys,
    zendeskPublicKeyPem: publicPem(privateKeys.zendesk),
    serviceNowPublicKeyPem: publicPem(privateKeys.servicenow),
    strangerPublicKeyPem: publicPem(privateKeys.stranger),
    forgeKid,
    jwks: { keys: [{ kty: forgePublic.kty, n: forgePublic.n, e: forgePublic.e, kid: forgeKid, alg: 'RS256', use: 'sig' }] },
    export: () => Object.fromEntries(KEY_NAMES.map((name) => [name, privateKeys[name].export({ format: 'jwk' }) as JWK])) as DeskKeySet,
  };
}
