import http from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { AddressInfo } from 'node:net';
import { startOktaStandIn, startTwilioStandIn, type StartedOktaStandIn, type StartedTwilioStandIn } from '@vouchsafe/test-support/idps';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbound, parseOutboundAllow, type Outbound, type OutboundPolicy } from '../lib/outbound';
import { createOktaProvider } from './okta';
import { ProviderError } from './provider.types';
import { createTwilioProvider } from './twilio';

/**
 * The Okta SDK and the Twilio client connect through the outbound guard (S12). Plain http is allowed in these
 * policies so that a request the guard let through would visibly reach the stand-in; the host names resolve (through
 * the injected resolver) to the stand-ins' 127.0.0.1, which only an operator allowlist may open.
 */

const REQUESTER = { email: 'priya.natarajan@customer.test', phone: '+15550199101', name: 'Priya Natarajan' };
const toLoopback = async (): Promise<LookupAddress[]> => [{ address: '127.0.0.1', family: 4 }];
const policy = (allow = ''): OutboundPolicy => ({ isHttpAllowed: true, isAnyAddressAllowed: false, allow: parseOutboundAllow(allow) });

let okta: StartedOktaStandIn;
let twilio: StartedTwilioStandIn;
const outbounds: Outbound[] = [];
const guard = (allow = ''): Outbound => {
  const o = createOutbound(policy(allow), { resolve: toLoopback });
  outbounds.push(o);
  return o;
};
const portOf = (url: string) => new URL(url).port;

beforeAll(async () => {
  [okta, twilio] = await Promise.all([startOktaStandIn(), startTwilioStandIn()]);
});
afterAll(async () => {
  await Promise.all(outbounds.map((o) => o.close()));
  await Promise.all([okta?.close(), twilio?.close()]);
});

async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: unknown) => err,
  );
}

describe('Okta SDK', () => {
  const orgUrl = () => `http://okta.bank.example:${portOf(okta.url)}`;
  const config = () => ({ kind: 'okta' as const, orgUrl: orgUrl(), auth: { apiToken: okta.apiToken } });

  it('is refused at connect time when its org name resolves to loopback, and Okta sees nothing', async () => {
    okta.reset();
    const provider = createOktaProvider(config(), { timeoutMs: 3_000, outbound: guard() });
    const err = await rejection(provider.resolveUser(REQUESTER));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'misconfigured', message: expect.stringMatching(/address Vouchsafe may not connect to/) });
    expect(okta.requests()).toEqual([]);
  });

  it('control: with the stand-in’s address and port allowed, the same lookup reaches Okta', async () => {
    okta.reset();
    const provider = createOktaProvider(config(), { timeoutMs: 3_000, outbound: guard(`127.0.0.1:${portOf(okta.url)}`) });
    expect(await provider.resolveUser(REQUESTER)).toMatchObject({ email: expect.stringMatching(/priya/i) });
    expect(okta.requests().length).toBeGreaterThan(0);
  });

  it('does not follow redirects (node-fetch would follow 20)', async () => {
    const hits: string[] = [];
    const target = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('[]');
    });
    const jumper = http.createServer((req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${(target.address() as AddressInfo).port}${req.url ?? '/'}` }).end();
    });
    await Promise.all([
      new Promise<void>((r) => target.listen(0, '127.0.0.1', r)),
      new Promise<void>((r) => jumper.listen(0, '127.0.0.1', r)),
    ]);
    try {
      const jumperPort = (jumper.address() as AddressInfo).port;
      const targetPort = (target.address() as AddressInfo).port;
      const outbound = guard(`127.0.0.1:${jumperPort} 127.0.0.1:${targetPort}`);
      const provider = createOktaProvider(
        { kind: 'okta', orgUrl: `http://okta.bank.example:${jumperPort}`, auth: { apiToken: okta.apiToken } },
        { timeoutMs: 3_000, outbound },
      );
      expect(await rejection(provider.resolveUser(REQUESTER))).toBeInstanceOf(ProviderError);
      expect(hits).toEqual([]);
    } finally {
      target.closeAllConnections();
      jumper.closeAllConnections();
      await Promise.all([new Promise((r) => target.close(r)), new Promise((r) => jumper.close(r))]);
    }
  });
});

describe('Twilio Verify', () => {
  const config = () => twilio.configAt(`http://verify.bank.example:${portOf(twilio.url)}`);
  const user = { ref: 'priya', email: null, phone: '+15550199101' };

  it('is refused at connect time when its name resolves to loopback, and Twilio sees nothing', async () => {
    twilio.reset();
    const provider = createTwilioProvider(config(), { timeoutMs: 3_000, outbound: guard() });
    const err = await rejection(
      provider.start(
        user,
        { method: 'callback_sms' },
        { verificationId: 'v1', callbackUrl: 'https://vouchsafe.example/cb', displayContext: 'Call' },
      ),
    );
    expect(err).toMatchObject({ kind: 'misconfigured', message: expect.stringMatching(/address Vouchsafe may not connect to/) });
    expect(twilio.log).toEqual([]);
  });

  it('control: allowed, the code is sent', async () => {
    twilio.reset();
    const provider = createTwilioProvider(config(), { timeoutMs: 3_000, outbound: guard(`127.0.0.1:${portOf(twilio.url)}`) });
    const start = await provider.start(
      user,
      { method: 'callback_sms' },
      { verificationId: 'v1', callbackUrl: 'https://vouchsafe.example/cb', displayContext: 'Call' },
    );
    expect(start.idpRef).toMatch(/^VE/);
    expect(twilio.log.length).toBeGreaterThan(0);
  });
});
