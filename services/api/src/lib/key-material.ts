import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';

/**
 * Registration-time checks of the keys admins paste (issue 8, item 12c): a key that does not parse, is too weak or is
 * the wrong kind is refused when it is registered (422 naming the field), not discovered at the first sign-in. Each
 * function answers a phrase that follows the field name ("publicKeyPem does not parse as a PEM public key"), or
 * undefined. The phrases never quote the key.
 */

export const MIN_RSA_BITS = 2048;

function rsaStrengthProblem(key: KeyObject, what: string): string | undefined {
  if (key.asymmetricKeyType !== 'rsa') return `must hold an RSA key (this ${what} holds ${key.asymmetricKeyType ?? 'another kind of'} key)`;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  return bits < MIN_RSA_BITS ? `holds an RSA key of ${bits} bits; at least ${MIN_RSA_BITS} are required` : undefined;
}

const isPrivatePem = (pem: string): boolean => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem);

/** A desk's token-signing public key (Zendesk signed URLs): an RSA public key of at least 2048 bits. */
export function rsaPublicKeyProblem(pem: string): string | undefined {
  // createPublicKey would happily derive the public half of a private key: refuse rather than store a private key.
  if (isPrivatePem(pem)) return 'is a private key: paste the public key only';
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return 'does not parse as a PEM public key';
  }
  return rsaStrengthProblem(key, 'public key');
}

/** A desk's signing certificate (ServiceNow's JWT provider keystore): an X.509 certificate with an RSA key ≥ 2048 bits. */
export function rsaCertificateProblem(pem: string): string | undefined {
  if (isPrivatePem(pem)) return 'is a private key: paste the certificate only';
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    return 'does not parse as a PEM X.509 certificate';
  }
  return rsaStrengthProblem(certificate.publicKey, 'certificate');
}

/**
 * An Okta service app's private key: RSA of at least 2048 bits, or EC P-256. The Okta SDK (8.1.0, src/jwt.js) signs
 * with RS256 for RSA keys and ES256 for every EC key, so other curves would only fail later, at the token request.
 */
export function oktaPrivateKeyProblem(pem: string): string | undefined {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    return 'does not parse as a PEM private key (an encrypted key cannot be used)';
  }
  if (key.asymmetricKeyType === 'ec') {
    return key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
      ? undefined
      : 'holds an EC key on a curve other than P-256 (Okta signs EC keys as ES256)';
  }
  return rsaStrengthProblem(key, 'private key');
}
