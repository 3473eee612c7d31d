import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';

/**
 * A throwaway certificate authority for serving stand-ins over https on 127.0.0.1, generated at run time (nothing
 * committed, no network). One per test process: its certificate is written to a temporary file (`certFile`) that an
 * API process trusts through `startApi({ env: { NODE_EXTRA_CA_CERTS: testCa().certFile } })`, and in-process clients
 * through `ca: testCa().certPem`. Leaf certificates name 127.0.0.1, ::1 and localhost, plus any host names asked for.
 */

export interface ServerCertificate {
  /** PEM private key (PKCS#8). Test material only. */
  key: string;
  /** PEM leaf certificate followed by nothing else (the CA is trusted directly). */
  cert: string;
}

export interface TestCa {
  /** PEM certificate of the CA. */
  readonly certPem: string;
  /** Absolute path of a file holding `certPem` (for NODE_EXTRA_CA_CERTS); removed when this process exits. */
  readonly certFile: string;
  /** A server certificate for 127.0.0.1, ::1, localhost and `hostnames`, valid for a day. */
  issue(hostnames?: readonly string[]): ServerCertificate;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function rsaKeys(bits: number): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pkcs8: string } {
  // node's generator is native and fast; forge only signs.
  const pair = generateKeyPairSync('rsa', { modulusLength: bits });
  const pkcs1 = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const privateKey = forge.pki.privateKeyFromPem(pkcs1);
  const publicKey = forge.pki.setRsaPublicKey(privateKey.n, privateKey.e);
  return { privateKey, publicKey, pkcs8: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

function baseCertificate(
  publicKey: forge.pki.rsa.PublicKey,
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // Positive, unique serial numbers (the high bit cleared).
  cert.serialNumber = `0${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + DAY_MS);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  return cert;
}

function createCa(): TestCa {
  const ca = rsaKeys(2048);
  const name = [
    { name: 'commonName', value: 'Vouchsafe throwaway test CA' },
    { name: 'organizationName', value: 'Vouchsafe tests' },
  ];
  const caCert = baseCertificate(ca.publicKey, name, name);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(caCert);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vouchsafe-test-ca-'));
  const certFile = path.join(dir, 'ca.pem');
  writeFileSync(certFile, certPem, { mode: 0o644 });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));

  return {
    certPem,
    certFile,
    issue(hostnames = []) {
      const leaf = rsaKeys(2048);
      const names = ['localhost', ...hostnames];
      const cert = baseCertificate(leaf.publicKey, [{ name: 'commonName', value: names[0]! }], caCert.subject.attributes);
      cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            ...names.map((value) => (net.isIP(value) ? { type: 7, ip: value } : { type: 2, value })),
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ]);
      cert.sign(ca.privateKey, forge.md.sha256.create());
      return { key: leaf.pkcs8, cert: forge.pki.certificateToPem(cert) };
    },
  };
}

let shared: TestCa | undefined;

/** This process's throwaway CA, created on first use. */
export function testCa(): TestCa {
  shared ??= createCa();
  return shared;
}

/**
 * A self-signed certificate with a fresh RSA key of `bits` (e.g. 1024 to prove weak keys are refused). Test material.
 */
export function selfSignedCertificate(bits = 2048, commonName = 'vouchsafe-test'): { certPem: string; keyPem: string } {
  const keys = rsaKeys(bits);
  const name = [{ name: 'commonName', value: commonName }];
  const cert = baseCertificate(keys.publicKey, name, name);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.pkcs8 };
}
