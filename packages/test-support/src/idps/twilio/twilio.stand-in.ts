import { serveOnLoopback, type LoopbackTls } from '../../ports';
import { randomBytes, randomInt } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';

/** Credentials the stand-in accepts unless told otherwise (formats match Twilio's: AC/VA + 32 hex). */
export const TWILIO_TEST_CREDENTIALS = {
  accountSid: 'AC0e2e0000000000000000000000000001',
  authToken: 'e2eTwilioAuthToken000000000000001',
  serviceSid: 'VA0e2e0000000000000000000000000001',
} as const;

/** Twilio Verify codes live 10 minutes. */
const CODE_LIFETIME_MS = 10 * 60 * 1000;
/** Twilio's default limit of check attempts per verification. */
const MAX_CHECKS = 5;

export type TwilioVerificationStatus = 'pending' | 'approved' | 'canceled' | 'max_attempts_reached' | 'expired';

export interface TwilioVerification {
  sid: string;
  serviceSid: string;
  to: string;
  channel: 'sms' | 'call';
  code: string;
  status: TwilioVerificationStatus;
  checks: number;
  createdAt: Date;
  expiresAt: Date;
  sends: number;
}

/** A code "delivered" to a phone: what the demo's phone page and tests read. */
export interface TwilioMessage {
  sid: string;
  to: string;
  channel: 'sms' | 'call';
  code: string;
  sentAt: string;
  status: TwilioVerificationStatus;
}

export interface TwilioLogEntry {
  method: string;
  path: string;
  /** Form fields with `Code` masked. */
  form: Record<string, string>;
  status: number;
  at: Date;
}

export interface TwilioStandInConfig {
  kind: 'twilio';
  accountSid: string;
  authToken: string;
  serviceSid: string;
  baseUrl: string;
}

export interface TwilioStandInOptions {
  accountSid?: string;
  authToken?: string;
  serviceSid?: string;
  /** startTwilioStandIn only: serve over https with the throwaway test CA (production-mode tests). */
  tls?: LoopbackTls;
}

export interface TwilioStandIn {
  /** Serves /v2/Services/* (Verify v2) and GET /__phone/twilio/messages; mount at '/' (or a prefix = baseUrl). */
  readonly router: Router;
  /** The `kind: 'twilio'` IdP configuration for the stand-in reachable at `baseUrl`. */
  configAt(baseUrl: string): TwilioStandInConfig;
  /** Codes sent, newest last. */
  messages(): TwilioMessage[];
  /** The code last sent to `to` (E.164) or for a verification SID. */
  lastCode(toOrSid: string): string | undefined;
  verification(sid: string): TwilioVerification | undefined;
  /** Makes a verification (default: all) expire now, as ten minutes passing would. */
  expire(sid?: string): void;
  readonly log: readonly TwilioLogEntry[];
  reset(): void;
}

export interface StartedTwilioStandIn extends TwilioStandIn {
  readonly url: string;
  readonly config: TwilioStandInConfig;
  close(): Promise<void>;
}

const E164 = /^\+[1-9]\d{7,14}$/;

function twilioError(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

/**
 * Twilio Verify v2 stand-in: Basic auth (Account SID + auth token), form-encoded POSTs, Twilio's JSON resources and
 * error bodies. A verification is deleted (404 on check) once approved, expired or out of check attempts, as Twilio
 * documents; a repeated start for the same number re-sends the same pending code.
 */
export function createTwilioStandIn(options: TwilioStandInOptions = {}): TwilioStandIn {
  const accountSid = options.accountSid ?? TWILIO_TEST_CREDENTIALS.accountSid;
  const authToken = options.authToken ?? TWILIO_TEST_CREDENTIALS.authToken;
  const serviceSid = options.serviceSid ?? TWILIO_TEST_CREDENTIALS.serviceSid;
  const verifications = new Map<string, TwilioVerification>();
  const sent: TwilioMessage[] = [];
  const log: TwilioLogEntry[] = [];

  const isLive = (v: TwilioVerification): boolean => v.status === 'pending' && v.expiresAt.getTime() > Date.now();

  function resource(v: TwilioVerification, req: Request, path: string): Record<string, unknown> {
    const base = `${req.protocol}://${req.get('host') ?? '127.0.0.1'}${req.baseUrl}`;
    return {
      sid: v.sid,
      service_sid: v.serviceSid,
      account_sid: accountSid,
      to: v.to,
      channel: v.channel,
      status: v.status,
      valid: v.status === 'approved',
      lookup: {},
      amount: null,
      payee: null,
      send_code_attempts: Array.from({ length: v.sends }, (_, i) => ({
        attempt_sid: `VL${v.sid.slice(2, 32)}${String(i).padStart(2, '0')}`,
        channel: v.channel,
        time: v.createdAt.toISOString(),
      })),
      date_created: v.createdAt.toISOString(),
      date_updated: new Date().toISOString(),
      sna: null,
      url: `${base}${path}`,
    };
  }

  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));

  router.get('/__phone/twilio/messages', (_req, res) => {
    res
      .set('cache-control', 'no-store')
      .json({ messages: sent.map((m) => ({ ...m, status: verifications.get(m.sid)?.status ?? 'expired' })) });
  });

  router.use('/v2', (req, res, next) => {
    const form = Object.fromEntries(
      Object.entries((req.body ?? {}) as Record<string, unknown>).map(([k, v]) => [k, k === 'Code' ? '***' : String(v)]),
    );
    const entry: TwilioLogEntry = { method: req.method, path: `/v2${req.path}`, form, status: 0, at: new Date() };
    log.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    const match = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1] || Buffer.from(match[1], 'base64').toString('utf8') !== `${accountSid}:${authToken}`) {
      res.set('www-authenticate', 'Basic realm="Twilio API"');
      twilioError(res, 401, 20003, 'Authenticate');
      return;
    }
    next();
  });

  router.use('/v2/Services/:serviceSid', (req, res, next) => {
    if (req.params.serviceSid !== serviceSid) {
      twilioError(res, 404, 20404, `The requested resource /Services/${req.params.serviceSid}${req.path} was not found`);
      return;
    }
    next();
  });

  router.post('/v2/Services/:serviceSid/Verifications', (req, res) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const to = body.To;
    const channel = body.Channel;
    if (typeof to !== 'string' || !E164.test(to)) {
      twilioError(res, 400, 60200, 'Invalid parameter `To`');
      return;
    }
    if (channel !== 'sms' && channel !== 'call') {
      twilioError(res, 400, 60200, 'Invalid parameter: Channel');
      return;
    }
    let v = [...verifications.values()].find((x) => x.to === to && x.channel === channel && isLive(x));
    if (v) {
      v.sends += 1;
    } else {
      v = {
        sid: `VE${randomBytes(16).toString('hex')}`,
        serviceSid,
        to,
        channel,
        code: String(randomInt(0, 1_000_000)).padStart(6, '0'),
        status: 'pending',
        checks: 0,
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + CODE_LIFETIME_MS),
        sends: 1,
      };
      verifications.set(v.sid, v);
    }
    sent.push({ sid: v.sid, to, channel, code: v.code, sentAt: new Date().toISOString(), status: v.status });
    res.status(201).json(resource(v, req, `/v2/Services/${serviceSid}/Verifications/${v.sid}`));
  });

  router.post('/v2/Services/:serviceSid/VerificationCheck', (req, res) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    if (typeof body.Code !== 'string' || !/^[A-Za-z0-9]{4,10}$/.test(body.Code)) {
      twilioError(res, 400, 60200, 'Invalid parameter: Code');
      return;
    }
    if (body.To === undefined && body.VerificationSid === undefined) {
      twilioError(res, 400, 60200, 'Either a To or VerificationSid must be specified');
      return;
    }
    const v =
      body.VerificationSid !== undefined
        ? verifications.get(body.VerificationSid)
        : [...verifications.values()].find((x) => x.to === body.To && isLive(x));
    const notFound = (): void =>
      twilioError(res, 404, 20404, `The requested resource /Services/${serviceSid}/VerificationCheck was not found`);
    if (!v || (body.To !== undefined && v.to !== body.To)) {
      notFound();
      return;
    }
    if (v.status === 'pending' && v.expiresAt.getTime() <= Date.now()) v.status = 'expired';
    if (v.status === 'max_attempts_reached') {
      twilioError(res, 429, 60202, 'Max check attempts reached');
      return;
    }
    if (v.status !== 'pending') {
      notFound();
      return;
    }
    v.checks += 1;
    if (body.Code === v.code) v.status = 'approved';
    else if (v.checks >= MAX_CHECKS) v.status = 'max_attempts_reached';
    const answer = resource(v, req, `/v2/Services/${serviceSid}/VerificationCheck`);
    answer.sid = v.sid;
    if (v.status === 'max_attempts_reached') answer.status = 'pending';
    res.status(200).json(answer);
  });

  router.post('/v2/Services/:serviceSid/Verifications/:sid', (req, res) => {
    const v = verifications.get(req.params.sid ?? '');
    const status = ((req.body ?? {}) as Record<string, string | undefined>).Status;
    if (status !== 'canceled' && status !== 'approved') {
      twilioError(res, 400, 60200, 'Invalid parameter: Status');
      return;
    }
    if (!v || v.status !== 'pending' || v.expiresAt.getTime() <= Date.now()) {
      twilioError(res, 404, 20404, `The requested resource /Services/${serviceSid}/Verifications/${req.params.sid} was not found`);
      return;
    }
    v.status = status;
    res.status(200).json(resource(v, req, `/v2/Services/${serviceSid}/Verifications/${v.sid}`));
  });

  router.get('/v2/Services/:serviceSid/Verifications/:sid', (req, res) => {
    const v = verifications.get(req.params.sid ?? '');
    if (!v || !isLive(v)) {
      twilioError(res, 404, 20404, `The requested resource /Services/${serviceSid}/Verifications/${req.params.sid} was not found`);
      return;
    }
    res.status(200).json(resource(v, req, `/v2/Services/${serviceSid}/Verifications/${v.sid}`));
  });

  return {
    router,
    configAt: (baseUrl) => ({ kind: 'twilio', accountSid, authToken, serviceSid, baseUrl: baseUrl.replace(/\/+$/, '') }),
    messages: () => sent.map((m) => ({ ...m, status: verifications.get(m.sid)?.status ?? m.status })),
    lastCode(toOrSid) {
      return [...sent].reverse().find((m) => m.to === toOrSid || m.sid === toOrSid)?.code;
    },
    verification: (sid) => verifications.get(sid),
    expire(sid) {
      for (const v of verifications.values()) {
        if (sid !== undefined && v.sid !== sid) continue;
        v.expiresAt = new Date(Date.now() - 1);
        if (v.status === 'pending') v.status = 'expired';
      }
    },
    log,
    reset() {
      verifications.clear();
      sent.length = 0;
      log.length = 0;
    },
  };
}

/** The stand-in on its own HTTP server at 127.0.0.1 on a free port. */
export async function startTwilioStandIn(options: TwilioStandInOptions = {}): Promise<StartedTwilioStandIn> {
  const standIn = createTwilioStandIn(options);
  const { url, close } = await serveOnLoopback(standIn.router, { tls: options.tls });
  return Object.assign(standIn, { url, config: standIn.configAt(url), close });
}
