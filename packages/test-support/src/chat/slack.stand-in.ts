import { createHmac, randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { serveOnLoopback } from '../ports';

/**
 * A stand-in for Slack, as strict as we know Slack to be, for the real Bolt app and WebClient inside the API:
 * - the Web API wire format (https://api.slack.com/web): `POST /api/<method>`, form or JSON bodies, the bot token as
 *   `Authorization: Bearer`, answers HTTP 200 `{ok: true, …}` or `{ok: false, error: "<name>"}`; a rate-limited call
 *   answers HTTP 429 with `Retry-After` (seconds), as Slack documents (https://api.slack.com/apis/rate-limits).
 *   Methods: oauth.v2.access, users.info, chat.postMessage, chat.update, chat.postEphemeral, conversations.open,
 *   views.open (a trigger id is needed: `trigger_expired` without one);
 *   anything else answers `unknown_method`.
 * - the signed requests Slack sends to an app's Request URL (https://api.slack.com/authentication/verifying-requests-from-slack):
 *   `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<ts>:<body>">` and `X-Slack-Request-Timestamp`; slash commands
 *   as form fields, shortcuts / block actions / view submissions as one form field `payload=<JSON>`.
 * Nothing here is used by production code.
 */

export interface SlackMember {
  id: string;
  team_id: string;
  name: string;
  real_name: string;
  email: string | null;
  is_email_confirmed?: boolean;
  is_bot?: boolean;
  deleted?: boolean;
}

export interface SlackPosted {
  method: 'chat.postMessage' | 'chat.update' | 'chat.postEphemeral';
  channel: string;
  ts: string;
  text: string;
  threadTs: string | null;
  user: string | null;
  blocks: unknown;
}

export interface SlackWorkspaceState {
  teamId: string;
  teamName: string;
  botToken: string;
  botUserId: string;
  members: SlackMember[];
}

export interface SlackStandInOptions {
  clientId?: string;
  clientSecret?: string;
  signingSecret?: string;
}

export interface SlackStandIn {
  readonly router: Router;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly signingSecret: string;
  /** The workspaces the stand-in knows (the first is `T0ACME`, a second `T0OTHER`). */
  readonly workspaces: SlackWorkspaceState[];
  /** The admin approved the install of `teamId` for this OAuth `state`: the code Slack redirects back with. */
  authorize(teamId: string): string;
  /** Every message posted or updated, oldest first. */
  readonly posted: SlackPosted[];
  /** Modals opened with views.open (the view as sent), oldest first. */
  readonly views: { triggerId: string; view: Record<string, unknown> }[];
  /** Web API calls (method and the token's team), oldest first. */
  readonly calls: { method: string; teamId: string | null }[];
  /** The next `count` calls of `method` answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit(method: string, count: number, retryAfterSeconds: number): void;
}

const form = (req: Request): Record<string, string> => {
  const body: unknown = req.body;
  if (body && typeof body === 'object') {
    return Object.fromEntries(
      Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
  }
  return {};
};

export function createSlackStandIn(options: SlackStandInOptions = {}): SlackStandIn {
  const clientId = options.clientId ?? '1234567890.0987654321';
  const clientSecret = options.clientSecret ?? randomBytes(16).toString('hex');
  const signingSecret = options.signingSecret ?? randomBytes(16).toString('hex');
  const workspace = (teamId: string, teamName: string, members: SlackMember[]): SlackWorkspaceState => ({
    teamId,
    teamName,
    botToken: `xoxb-${teamId}-${randomBytes(12).toString('hex')}`,
    botUserId: `U0BOT${teamId.slice(-3)}`,
    members,
  });
  const workspaces = [
    workspace('T0ACME', 'Acme Bank IT', [
      {
        id: 'U0AGENT1',
        team_id: 'T0ACME',
        name: 'sam',
        real_name: 'Sam Servicedesk',
        email: 'sam.agent@bank.test',
        is_email_confirmed: true,
      },
      {
        id: 'U0AGENT2',
        team_id: 'T0ACME',
        name: 'sue',
        real_name: 'Sue Supervisor',
        email: 'sue.supervisor@bank.test',
        is_email_confirmed: true,
      },
      {
        id: 'U0PRIYA',
        team_id: 'T0ACME',
        name: 'priya',
        real_name: 'Priya Natarajan',
        email: 'priya.natarajan@customer.test',
        is_email_confirmed: true,
      },
      // A Slack Connect guest from another organisation, claiming a known address.
      {
        id: 'U0GUEST',
        team_id: 'T0EVIL',
        name: 'guest',
        real_name: 'Guest',
        email: 'priya.natarajan@customer.test',
        is_email_confirmed: true,
      },
    ]),
    workspace('T0OTHER', 'Another Workspace', [
      { id: 'U0OTHER', team_id: 'T0OTHER', name: 'o', real_name: 'Other Person', email: 'other@other.test', is_email_confirmed: true },
    ]),
  ];
  const codes = new Map<string, string>();
  const posted: SlackPosted[] = [];
  const calls: { method: string; teamId: string | null }[] = [];
  const views: { triggerId: string; view: Record<string, unknown> }[] = [];
  const limits = new Map<string, { count: number; retryAfterSeconds: number }>();
  let tsCounter = 1_700_000_000;
  const nextTs = () => `${++tsCounter}.000100`;

  const router = express.Router();
  router.use(express.urlencoded({ extended: false }), express.json());
  router.post('/api/:method', (req: Request, res: Response) => {
    const method = String(req.params.method);
    const args = form(req);
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? args.token;
    const ws = workspaces.find((w) => w.botToken === bearer);
    calls.push({ method, teamId: ws?.teamId ?? null });
    const limit = limits.get(method);
    if (limit && limit.count > 0) {
      limit.count -= 1;
      res.status(429).set('Retry-After', String(limit.retryAfterSeconds)).json({ ok: false, error: 'ratelimited' });
      return;
    }
    const fail = (error: string) => res.json({ ok: false, error });
    if (method === 'oauth.v2.access') {
      // Client credentials as HTTP Basic (preferred by Slack) or as form fields.
      const basic = /^Basic (.+)$/.exec(req.get('authorization') ?? '')?.[1];
      const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [args.client_id, args.client_secret];
      if (id !== clientId) return fail('invalid_client_id');
      if (secret !== clientSecret) return fail('bad_client_secret');
      const teamId = args.code ? codes.get(args.code) : undefined;
      if (!teamId) return fail('invalid_code');
      codes.delete(args.code!);
      const w = workspaces.find((x) => x.teamId === teamId)!;
      return res.json({
        ok: true,
        access_token: w.botToken,
        token_type: 'bot',
        scope: 'commands,chat:write,users:read,users:read.email,im:write',
        bot_user_id: w.botUserId,
        app_id: 'A0VOUCHSAFE',
        team: { id: w.teamId, name: w.teamName },
        enterprise: null,
        is_enterprise_install: false,
        authed_user: { id: 'U0AGENT1' },
      });
    }
    if (!ws) return fail(bearer ? 'invalid_auth' : 'not_authed');
    if (method === 'users.info') {
      const m = ws.members.find((x) => x.id === args.user);
      if (!m) return fail('user_not_found');
      const { email, ...rest } = m;
      return res.json({
        ok: true,
        user: { ...rest, profile: { real_name: m.real_name, display_name: m.name, ...(email ? { email } : {}) } },
      });
    }
    if (method === 'chat.postMessage' || method === 'chat.postEphemeral') {
      if (!args.channel) return fail('channel_not_found');
      if (!args.text && !args.blocks) return fail('no_text');
      const ts = nextTs();
      posted.push({
        method,
        channel: args.channel,
        ts,
        text: args.text ?? '',
        threadTs: args.thread_ts ?? null,
        user: args.user ?? null,
        blocks: args.blocks ? (JSON.parse(args.blocks) as unknown) : null,
      });
      return method === 'chat.postMessage' ? res.json({ ok: true, channel: args.channel, ts }) : res.json({ ok: true, message_ts: ts });
    }
    if (method === 'chat.update') {
      const original = posted.find((p) => p.method === 'chat.postMessage' && p.channel === args.channel && p.ts === args.ts);
      if (!original) return fail('message_not_found');
      posted.push({
        method,
        channel: args.channel!,
        ts: args.ts!,
        text: args.text ?? '',
        threadTs: original.threadTs,
        user: null,
        blocks: args.blocks ? (JSON.parse(args.blocks) as unknown) : null,
      });
      return res.json({ ok: true, channel: args.channel, ts: args.ts });
    }
    if (method === 'conversations.open') {
      const m = ws.members.find((x) => x.id === args.users);
      if (!m) return fail('user_not_found');
      return res.json({ ok: true, channel: { id: `D0${m.id.slice(1)}` } });
    }
    if (method === 'views.open') {
      if (!args.trigger_id) return fail('trigger_expired');
      if (!args.view) return fail('invalid_arguments');
      const view = JSON.parse(args.view) as Record<string, unknown>;
      views.push({ triggerId: args.trigger_id, view });
      return res.json({ ok: true, view: { id: `V0${randomBytes(4).toString('hex').toUpperCase()}`, ...view } });
    }
    return fail('unknown_method');
  });

  return {
    router,
    clientId,
    clientSecret,
    signingSecret,
    workspaces,
    posted,
    calls,
    views,
    authorize(teamId) {
      const code = randomBytes(12).toString('hex');
      codes.set(code, teamId);
      return code;
    },
    rateLimit(method, count, retryAfterSeconds) {
      limits.set(method, { count, retryAfterSeconds });
    },
  };
}

export interface StartedSlackStandIn extends SlackStandIn {
  /** `http://127.0.0.1:<port>`; the Web API base is `${url}/api/`. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startSlackStandIn(options: SlackStandInOptions = {}): Promise<StartedSlackStandIn> {
  const standIn = createSlackStandIn(options);
  const { url, close } = await serveOnLoopback(standIn.router);
  return Object.assign(standIn, { url, close });
}

/** Slack's request signature over the exact body bytes. */
export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedSendOptions {
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Sign with this secret instead (a forger). */
  secret?: string;
}

/** POSTs a form body to the app's Request URL, signed as Slack signs it. */
export async function sendSigned(
  url: string,
  signingSecret: string,
  fields: Record<string, string>,
  opts: SignedSendOptions = {},
): Promise<{ status: number; text: string }> {
  const body = new URLSearchParams(fields).toString();
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(opts.secret ?? signingSecret, timestamp, body),
    },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** A slash command as Slack sends it (form fields; `text` with escaped mentions, `<@U123|name>`). */
export const slashCommand = (p: { teamId: string; userId: string; channelId: string; command: string; text: string }) => ({
  token: 'deprecated-verification-token',
  team_id: p.teamId,
  team_domain: 'acme',
  channel_id: p.channelId,
  channel_name: 'it-help',
  user_id: p.userId,
  user_name: 'agent',
  command: p.command,
  text: p.text,
  api_app_id: 'A0VOUCHSAFE',
  response_url: 'https://hooks.slack.invalid/commands/T0/1/x',
  trigger_id: `${Date.now()}.1.${randomBytes(4).toString('hex')}`,
});

/** A message shortcut as Slack sends it (one form field `payload` holding JSON). */
export const messageShortcut = (p: {
  teamId: string;
  userId: string;
  channelId: string;
  callbackId: string;
  message: { ts: string; user: string; text: string; thread_ts?: string };
}) => ({
  payload: JSON.stringify({
    type: 'message_action',
    token: 'deprecated-verification-token',
    action_ts: `${Date.now() / 1000}`,
    team: { id: p.teamId, domain: 'acme' },
    user: { id: p.userId, name: 'agent', team_id: p.teamId },
    channel: { id: p.channelId, name: 'it-help' },
    callback_id: p.callbackId,
    trigger_id: `${Date.now()}.1.${randomBytes(4).toString('hex')}`,
    message_ts: p.message.ts,
    message: { type: 'message', ...p.message },
    response_url: 'https://hooks.slack.invalid/actions/T0/1/x',
  }),
});

/** A button click (block_actions) as Slack sends it: one form field `payload` holding JSON. */
export const blockAction = (p: {
  teamId: string;
  userId: string;
  channelId: string;
  messageTs: string;
  actionId: string;
  value: string;
}) => ({
  payload: JSON.stringify({
    type: 'block_actions',
    token: 'deprecated-verification-token',
    team: { id: p.teamId, domain: 'acme' },
    user: { id: p.userId, username: 'someone', team_id: p.teamId },
    api_app_id: 'A0VOUCHSAFE',
    container: { type: 'message', message_ts: p.messageTs, channel_id: p.channelId, is_ephemeral: false },
    trigger_id: `${Date.now()}.1.${randomBytes(4).toString('hex')}`,
    channel: { id: p.channelId, name: 'it-help' },
    message: { type: 'message', ts: p.messageTs, text: '' },
    response_url: 'https://hooks.slack.invalid/actions/T0/1/x',
    actions: [{ type: 'button', action_id: p.actionId, block_id: 'b1', value: p.value, action_ts: `${Date.now() / 1000}` }],
  }),
});

/** A modal submitted (view_submission) with one plain-text input `blockId.actionId` = value. */
export const viewSubmission = (p: {
  teamId: string;
  userId: string;
  view: Record<string, unknown>;
  values: Record<string, Record<string, string>>;
}) => ({
  payload: JSON.stringify({
    type: 'view_submission',
    token: 'deprecated-verification-token',
    team: { id: p.teamId, domain: 'acme' },
    user: { id: p.userId, username: 'someone', team_id: p.teamId },
    api_app_id: 'A0VOUCHSAFE',
    trigger_id: `${Date.now()}.1.${randomBytes(4).toString('hex')}`,
    view: {
      id: 'V0SUBMIT',
      team_id: p.teamId,
      type: 'modal',
      ...p.view,
      state: {
        values: Object.fromEntries(
          Object.entries(p.values).map(([block, actions]) => [
            block,
            Object.fromEntries(Object.entries(actions).map(([action, value]) => [action, { type: 'plain_text_input', value }])),
          ]),
        ),
      },
    },
  }),
});
