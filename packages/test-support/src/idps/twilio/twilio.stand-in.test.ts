import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioStandIn, type StartedTwilioStandIn } from './twilio.stand-in';

let twilio: StartedTwilioStandIn;
beforeAll(async () => {
  twilio = await startTwilioStandIn();
});
afterAll(() => twilio.close());

const post = (
  path: string,
  form: Record<string, string>,
  auth = `${twilio.config.accountSid}:${twilio.config.authToken}`,
): Promise<Response> =>
  fetch(`${twilio.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });

describe('Twilio Verify stand-in', () => {
  const svc = () => `/v2/Services/${twilio.config.serviceSid}`;

  it('checks Basic auth and answers in Twilio’s error format', async () => {
    const res = await post(`${svc()}/Verifications`, { To: '+15550199101', Channel: 'sms' }, 'ACwrong:token');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 20003, status: 401 });
    const bad = await post(`${svc()}/Verifications`, { To: '555 0199', Channel: 'sms' });
    expect(await bad.json()).toMatchObject({ code: 60200, status: 400 });
  });

  it('sends a code, shows it on the phone page, approves it once, re-sends the same pending code', async () => {
    const started = (await (await post(`${svc()}/Verifications`, { To: '+15550199101', Channel: 'sms' })).json()) as Record<
      string,
      unknown
    >;
    expect(started).toMatchObject({
      status: 'pending',
      to: '+15550199101',
      channel: 'sms',
      sid: expect.stringMatching(/^VE[0-9a-f]{32}$/),
    });
    const again = (await (await post(`${svc()}/Verifications`, { To: '+15550199101', Channel: 'sms' })).json()) as Record<string, unknown>;
    expect(again.sid).toBe(started.sid);

    const phone = (await (await fetch(`${twilio.url}/__phone/twilio/messages`)).json()) as {
      messages: Array<{ code: string; sid: string }>;
    };
    expect(phone.messages).toHaveLength(2);
    const code = phone.messages[0]!.code;
    expect(twilio.log.every((e) => e.form.Code === undefined || e.form.Code === '***')).toBe(true);

    const ok = (await (await post(`${svc()}/VerificationCheck`, { To: '+15550199101', Code: code })).json()) as Record<string, unknown>;
    expect(ok).toMatchObject({ status: 'approved', valid: true });
    const gone = await post(`${svc()}/VerificationCheck`, { VerificationSid: String(started.sid), Code: code });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: 20404 });
  });
});
