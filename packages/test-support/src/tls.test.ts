import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express from 'express';
import { Agent, fetch } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { serveOnLoopback, type LoopbackServer } from './ports';
import { selfSignedCertificate, testCa } from './tls';

const servers: LoopbackServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const hello = express.Router().get('/hello', (_req, res) => void res.json({ ok: true }));

describe('the throwaway test CA', () => {
  it('is one per process, with its certificate in a file for NODE_EXTRA_CA_CERTS', () => {
    const ca = testCa();
    expect(testCa()).toBe(ca);
    expect(readFileSync(ca.certFile, 'utf8')).toBe(ca.certPem);
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toContain('Vouchsafe throwaway test CA');
  });

  it('issues leaf certificates for 127.0.0.1, ::1, localhost and the names asked for', () => {
    const leaf = new X509Certificate(testCa().issue(['desk.example.test']).cert);
    expect(leaf.checkIssued(new X509Certificate(testCa().certPem))).toBe(true);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkHost('desk.example.test')).toBe('desk.example.test');
    expect(leaf.checkHost('other.example.test')).toBeUndefined();
  });

  it('serves a router over https that a client trusting the CA (and only such a client) can reach', async () => {
    const server = await serveOnLoopback(hello, { tls: true });
    servers.push(server);
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const trusting = new Agent({ connect: { ca: testCa().certPem } });
    const res = await fetch(`${server.url}/hello`, { dispatcher: trusting });
    expect(await res.json()).toEqual({ ok: true });
    await trusting.close();
    await expect(fetch(`${server.url}/hello`)).rejects.toThrow(/fetch failed/);
  });

  it('makes self-signed certificates with weak keys on request (for tests that must refuse them)', () => {
    expect(new X509Certificate(selfSignedCertificate(1024).certPem).publicKey.asymmetricKeyDetails?.modulusLength).toBe(1024);
  });
});
