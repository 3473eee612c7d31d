import type { App, Receiver } from '@slack/bolt';
import { verifySlackRequest } from '@slack/bolt';
import { Router, type Request, type Response } from 'express';
import { AppError } from '../../../errors';
import { rawBody, refuseMalformedBody } from '../../../http/input';
import type { Logger } from '../../../logger';

/**
 * Bolt's custom Receiver on our Express 5 app (one API, one port): the route keeps the raw body, checks Slack's
 * request signature on those exact bytes (Bolt's `verifySlackRequest`: `v0=` HMAC-SHA256 of `v0:<timestamp>:<body>`
 * with the app's signing secret — https://api.slack.com/authentication/verifying-requests-from-slack), refuses a
 * timestamp more than five minutes away from now in EITHER direction (Bolt checks only the past), finds the
 * workspace's tenant from the signed body's team id (unknown workspace: 404, nothing runs), and hands the event to
 * `app.processEvent`. Listeners call `ack()` first — that sends the HTTP answer, inside Slack's 3-second window — and
 * work after it.
 */

const MAX_SKEW_SECONDS = 5 * 60;

export interface SlackRequestContext<W> {
  workspace: W;
}

export interface SlackReceiverOptions<W> {
  signingSecret: string;
  logger: Logger;
  /** The live tenant of a signed team id; undefined answers 404. */
  findWorkspace(teamId: string): Promise<W | undefined>;
  now?: () => number;
}

type Body = Record<string, unknown>;

/** Slash commands are form fields; interactivity is one form field `payload` holding JSON; the Events API is JSON. */
export function parseSlackBody(raw: string, contentType: string | undefined): Body {
  if (contentType?.startsWith('application/json')) return JSON.parse(raw) as Body;
  const form = new URLSearchParams(raw);
  const payload = form.get('payload');
  if (payload !== null) return JSON.parse(payload) as Body;
  return Object.fromEntries(form);
}

/** The team a signed body speaks for: commands `team_id`, interactivity `team.id` (or the user's team). */
export function teamOf(body: Body): string | undefined {
  const team = body.team as { id?: unknown } | undefined;
  const user = body.user as { team_id?: unknown } | undefined;
  const id = body.team_id ?? team?.id ?? user?.team_id;
  return typeof id === 'string' && /^[A-Z0-9]{2,30}$/.test(id) ? id : undefined;
}

const unsigned = () => new AppError('unauthorized', 'This request is not signed by Slack.');

export class ExpressSlackReceiver<W> implements Receiver {
  #app: App | undefined;
  constructor(private readonly opts: SlackReceiverOptions<W>) {}

  init(app: App): void {
    this.#app = app;
  }
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }

  /** Verifies; throws AppError (401) when the signature or timestamp is wrong. */
  verify(req: Request): string {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const signature = req.get('x-slack-signature');
    const tsHeader = req.get('x-slack-request-timestamp');
    if (!signature || !tsHeader || !/^\d{1,12}$/.test(tsHeader)) throw unsigned();
    const ts = Number(tsHeader);
    const nowMs = (this.opts.now ?? Date.now)();
    if (Math.abs(nowMs / 1000 - ts) > MAX_SKEW_SECONDS) {
      throw new AppError('unauthorized', 'This Slack request is too old (or from the future); it was not accepted.');
    }
    try {
      verifySlackRequest({
        signingSecret: this.opts.signingSecret,
        body: raw,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
        nowMilliseconds: nowMs,
      });
    } catch {
      throw unsigned();
    }
    return raw;
  }

  router(): Router {
    const router = Router();
    router.post('/', rawBody('1mb'), async (req: Request, res: Response) => {
      const raw = this.verify(req);
      let body: Body;
      try {
        body = parseSlackBody(raw, req.get('content-type'));
      } catch {
        throw new AppError('bad_request', 'The request body is not what Slack sends.');
      }
      refuseMalformedBody(body);
      if (body.type === 'url_verification' && typeof body.challenge === 'string') {
        res.json({ challenge: body.challenge });
        return;
      }
      if (body.ssl_check !== undefined) {
        res.status(200).end();
        return;
      }
      const teamId = teamOf(body);
      const workspace = teamId ? await this.opts.findWorkspace(teamId) : undefined;
      if (!workspace) throw new AppError('not_found', 'Vouchsafe is not installed in this Slack workspace.');
      const app = this.#app;
      if (!app) throw new AppError('not_ready', 'The Slack app is starting; try again in a moment.');
      let isAcked = false;
      const ack = (response?: unknown): Promise<void> => {
        if (isAcked || res.headersSent) return Promise.resolve();
        isAcked = true;
        if (response === undefined || response === '') res.status(200).end();
        else if (typeof response === 'string') res.status(200).type('text/plain').send(response);
        else res.status(200).json(response);
        return Promise.resolve();
      };
      const retryNum = Number(req.get('x-slack-retry-num'));
      try {
        await app.processEvent({
          body,
          ack,
          ...(Number.isInteger(retryNum) ? { retryNum } : {}),
          ...(req.get('x-slack-retry-reason') ? { retryReason: req.get('x-slack-retry-reason')! } : {}),
          customProperties: { vouchsafe: { workspace } satisfies SlackRequestContext<W> },
        });
      } catch (err) {
        // Fixed phrase only: Bolt's errors can quote the payload.
        this.opts.logger.warn({ kind: (err as { code?: unknown }).code ?? 'internal' }, 'slack event failed');
      }
      // Nothing listened (or a listener never acknowledged): Slack must still hear an answer.
      if (!isAcked && !res.headersSent) res.status(200).end();
    });
    return router;
  }
}
