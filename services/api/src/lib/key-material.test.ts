import { generateKeyPairSync } from 'node:crypto';
import { selfSignedCertificate } from '@vouchsafe/test-support';
import { describe, expect, it } from 'vitest';
import { oktaPrivateKeyProblem, rsaCertificateProblem, rsaPublicKeyProblem } from './key-material';

const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits });
const spki = (key: ReturnType<typeof rsa>['publicKey']) => key.export({ type: 'spki', format: 'pem' }).toString();
const pkcs8 = (key: ReturnType<typeof rsa>['privateKey']) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const strong = rsa(2048);
const cut = (pem: string, label: string) => `${pem.slice(0, Math.floor(pem.length / 2))}\n-----END ${label}-----\n`;

describe('rsaPublicKeyProblem', () => {
  it('accepts RSA-2048 public keys (SPKI and PKCS#1) and refuses the rest', () => {
    expect(rsaPublicKeyProblem(spki(strong.publicKey))).toBeUndefined();
    expect(rsaPublicKeyProblem(strong.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString())).toBeUndefined();
    expect(rsaPublicKeyProblem('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n')).toMatch(/does not parse/);
    expect(rsaPublicKeyProblem(cut(spki(strong.publicKey), 'PUBLIC KEY'))).toMatch(/does not parse/);
    expect(rsaPublicKeyProblem(spki(rsa(1024).publicKey))).toMatch(/1024 bits; at least 2048/);
    expect(rsaPublicKeyProblem(spki(generateKeyPairSync('ed25519').publicKey))).toMatch(/must hold an RSA key .*ed25519/);
    expect(rsaPublicKeyProblem(pkcs8(strong.privateKey))).toMatch(/is a private key/);
  });
});

describe('rsaCertificateProblem', () => {
  it('accepts an X.509 certificate with an RSA-2048 key and refuses weak, broken or non-certificates', () => {
    expect(rsaCertificateProblem(selfSignedCertificate(2048).certPem)).toBeUndefined();
    expect(rsaCertificateProblem(selfSignedCertificate(1024).certPem)).toMatch(/1024 bits/);
    expect(rsaCertificateProblem(cut(selfSignedCertificate(2048).certPem, 'CERTIFICATE'))).toMatch(/does not parse as a PEM X\.509/);
    expect(rsaCertificateProblem(spki(strong.publicKey))).toMatch(/does not parse as a PEM X\.509/);
    expect(rsaCertificateProblem(pkcs8(strong.privateKey))).toMatch(/is a private key/);
  });
});

describe('oktaPrivateKeyProblem', () => {
  it('accepts RSA-2048 and P-256 private keys, refuses weak, other curves, encrypted and broken ones', () => {
    expect(oktaPrivateKeyProblem(pkcs8(strong.privateKey))).toBeUndefined();
    expect(oktaPrivateKeyProblem(strong.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString())).toBeUndefined();
    expect(oktaPrivateKeyProblem(pkcs8(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey))).toBeUndefined();
    expect(oktaPrivateKeyProblem(pkcs8(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey))).toMatch(/P-256/);
    expect(oktaPrivateKeyProblem(pkcs8(rsa(1024).privateKey))).toMatch(/1024 bits/);
    expect(oktaPrivateKeyProblem(cut(pkcs8(strong.privateKey), 'PRIVATE KEY'))).toMatch(/does not parse/);
    const encrypted = strong.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }).toString();
    expect(oktaPrivateKeyProblem(encrypted)).toMatch(/encrypted key cannot be used/);
  });
});
