import type { Config, KeyEntry } from '../../config';
import { envKekProvider, type KekProvider } from './kek-provider';
import { Keyring } from './keyring';
import { openPkcs11Provider } from './pkcs11-provider';

/**
 * The keyring of a process (API or CLI), from configuration: the PKCS#11 token's keys first when one is configured —
 * its first key is then the active KEK — and the environment keys after them, still able to unwrap what they wrapped
 * until `keys rotate` has moved it. Without a token, the first environment key is active (development, as before).
 */
export function createKeyring(config: Pick<Config, 'pkcs11'>, envKeys: readonly KeyEntry[] | undefined): Keyring {
  const providers: KekProvider[] = [];
  if (config.pkcs11) providers.push(openPkcs11Provider(config.pkcs11));
  if (envKeys && envKeys.length > 0) providers.push(envKekProvider(envKeys));
  try {
    return new Keyring({ providers });
  } catch (err) {
    for (const p of providers) p.close?.();
    throw err;
  }
}
