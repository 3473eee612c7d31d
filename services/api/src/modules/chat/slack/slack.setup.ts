import { randomBytes, randomUUID } from 'node:crypto';
import { App } from '@slack/bolt';
import { Router } from 'express';
import { z } from 'zod';
import { CHAT_PATHS } from '@vouchsafe/contracts';
import type { Db } from '../../../db/database';
import { AppError } from '../../../errors';
import type { HelpdeskConnector } from '../../../helpdesks/helpdesk.types';
import { jsonBody } from '../../../http/input';
import { noStore } from '../../../http/middleware';
import type { Logger } from '../../../logger';
import type { Keyring } from '../../keys/keyring';
import { adminActor } from '../../operators/operator-auth';
import type { LiveHub } from '../../verification/live';
import type { VerificationDeps } from '../../verification/verification.deps';
import { createSlackConnector, type ChatTicket } from './slack.connector';
import { ExpressSlackReceiver, type SlackRequestContext } from './slack.receiver';
import { SLACK_BOT_SCOPES, type SlackSettingKey } from './slack.settings';
import { createSlackClient, platformError, SILENT_LOGGER, slackClientOptions, type SlackClientSettings } from './slack-web';
import { verifyFromSlack } from './slack-verify';
import { createSlackLive } from './slack-live';
import { ACTIONS, parseButtonValue } from './slack-messages';
import { decideOverride, openReasonModal } from './slack-override';
import type { VerificationService } from '../../verification/verification.service';
import {
  botTokenBinding,
  findWorkspace,
  findWorkspaceByTenant,
  insertInstallState,
  installWorkspace,
  takeInstallState,
  WorkspaceConflictError,
  type SlackWorkspace,
} from './slack-workspaces.repository';

/**
 * The Slack app inside the API (issue 13). `createSlackConnectors` is all the note outbox and the verification module
 * need (a workspace tenant's connector); `setupSlack` builds the Bolt app on a custom receiver, its listeners and the
 * install routes. Off (undefined) until VOUCHSAFE_SLACK_* are set.
 */

export type SlackSettings = { [K in SlackSettingKey]?: string } & { slackApiUrl?: string };

/** The message shortcut's callback id (set in the app's manifest, README). */
export const VERIFY_SHORTCUT_ID = 'vouchsafe_verify_person';
export const VERIFY_COMMAND = '/verify';
const INSTALL_STATE_TTL_SECONDS = 600;

export function createSlackConnectors(deps: { db: Db; keyring: Keyring; client: SlackClientSettings }) {
  return async (tenantId: string): Promise<HelpdeskConnector | undefined> => {
    const ws = await findWorkspaceByTenant(deps.db, deps.keyring, tenantId);
    return ws && createSlackConnector(ws, createSlackClient(ws.botToken, deps.client));
  };
}

/** `<@U123|name>` (a command with "Escape channels, users, and links" on) or `<@U123>`. */
export function mentionedUser(text: string): string | undefined {
  return /^\s*<@([UW][A-Z0-9]{2,30})(?:\|[^>]*)?>\s*$/.exec(text)?.[1];
}

const InstallRequestSchema = z
  .object({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/),
    name: z.string().min(1).max(120),
    /** The private channel id (C…/G…) that receives masked audit lines. */
    auditChannel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,30}$/)
      .optional(),
  })
  .strict();

export interface SlackSetupDeps {
  settings: { clientId: string; clientSecret: string; signingSecret: string; authorizeUrl: string; client: SlackClientSettings };
  db: Db;
  keyring: Keyring;
  logger: Logger;
  verification: VerificationDeps;
  verificationService: Pick<VerificationService, 'requestOverride' | 'approveOverride' | 'declineOverride'>;
  live: LiveHub | undefined;
  publicUrl: string | undefined;
}

export function setupSlack(deps: SlackSetupDeps) {
  const { db, keyring, settings } = deps;
  const receiver = new ExpressSlackReceiver<SlackWorkspace>({
    signingSecret: settings.signingSecret,
    logger: deps.logger,
    findWorkspace: (teamId) => findWorkspace(db, keyring, teamId),
  });
  const app = new App({
    receiver,
    // The receiver found the workspace from the signed team id; its token goes to the listeners' client.
    authorize: async ({ teamId }) => {
      const ws = teamId ? await findWorkspace(db, keyring, teamId) : undefined;
      if (!ws) throw new Error('workspace not installed');
      return { botToken: ws.botToken, ...(ws.botUserId ? { botUserId: ws.botUserId } : {}), teamId: ws.teamId };
    },
    clientOptions: slackClientOptions(settings.client),
    logger: SILENT_LOGGER,
    ignoreSelf: true,
  });
  const workspaceOf = (context: Record<string, unknown>) => (context.vouchsafe as SlackRequestContext<SlackWorkspace>).workspace;
  // Thread messages follow their verification from any process (slack-live.ts).
  const live = createSlackLive({ db, keyring, client: settings.client, logger: deps.logger });
  const stopListening = deps.live?.subscribeAll((c) => void live.render(c.tenantId, c.verificationId)) ?? (() => undefined);
  const verifyDeps = { verification: deps.verification, live, logger: deps.logger, publicUrl: deps.publicUrl };

  app.command(VERIFY_COMMAND, async ({ command, ack, client, context }) => {
    const target = mentionedUser(command.text);
    if (!target) {
      await ack({ response_type: 'ephemeral', text: 'Name the person to verify: `/verify @name`.' });
      return;
    }
    await ack({ response_type: 'ephemeral', text: 'Starting the verification…' });
    const ticket: ChatTicket = { channel: command.channel_id, threadTs: null, userId: target };
    await verifyFromSlack(verifyDeps, { workspace: workspaceOf(context), client, agentUserId: command.user_id, ticket });
  });

  app.shortcut(VERIFY_SHORTCUT_ID, async ({ shortcut, ack, client, context }) => {
    await ack();
    if (shortcut.type !== 'message_action') return;
    const target = shortcut.message.user;
    if (typeof target !== 'string') return;
    const threadTs = (shortcut.message as { thread_ts?: string }).thread_ts ?? shortcut.message.ts;
    const ticket: ChatTicket = { channel: shortcut.channel.id, threadTs, userId: target };
    await verifyFromSlack(verifyDeps, { workspace: workspaceOf(context), client, agentUserId: shortcut.user.id, ticket });
  });

  // Supervisor overrides (slack-override.ts): buttons on the thread message and on the request message.
  const overrideDeps = { db, service: deps.verificationService, live, logger: deps.logger };
  const buttonAct = (body: { user: { id: string }; actions: unknown[] }, context: Record<string, unknown>, client: never) => {
    const action = body.actions[0] as { value?: unknown } | undefined;
    const parsed = typeof action?.value === 'string' ? parseButtonValue(action.value) : undefined;
    return parsed && { workspace: workspaceOf(context), client, userId: body.user.id, ...parsed };
  };
  app.action(ACTIONS.requestOverride, async ({ ack, body, context, client }) => {
    await ack();
    const act = body.type === 'block_actions' ? buttonAct(body, context, client as never) : undefined;
    if (act && body.type === 'block_actions') await openReasonModal(act, body.trigger_id, 'request').catch(() => undefined);
  });
  app.action(ACTIONS.declineOverride, async ({ ack, body, context, client }) => {
    await ack();
    const act = body.type === 'block_actions' ? buttonAct(body, context, client as never) : undefined;
    if (act && body.type === 'block_actions') await openReasonModal(act, body.trigger_id, 'decline').catch(() => undefined);
  });
  app.action(ACTIONS.approveOverride, async ({ ack, body, context, client }) => {
    await ack();
    const act = body.type === 'block_actions' ? buttonAct(body, context, client as never) : undefined;
    if (act) await decideOverride(overrideDeps, act, { kind: 'approve' });
  });
  app.view(ACTIONS.reasonModal, async ({ ack, view, body, context, client }) => {
    await ack();
    let meta: { kind?: unknown; verificationId?: unknown; ticketId?: unknown };
    try {
      meta = JSON.parse(view.private_metadata) as typeof meta;
    } catch {
      return;
    }
    const reason = view.state.values.reason?.reason?.value ?? '';
    if (typeof meta.verificationId !== 'string' || typeof meta.ticketId !== 'string' || reason.trim() === '') return;
    const act = {
      workspace: workspaceOf(context),
      client,
      userId: body.user.id,
      verificationId: meta.verificationId,
      ticketId: meta.ticketId,
    };
    if (meta.kind === 'request') await decideOverride(overrideDeps, act, { kind: 'request', reason });
    if (meta.kind === 'decline') await decideOverride(overrideDeps, act, { kind: 'decline', reason });
  });

  /** POST {slug, name, auditChannel?} behind adminAccess: the URL the admin opens to approve the install. */
  function installRoutes(): Router {
    const router = Router();
    router.use(noStore);
    router.post('/', jsonBody('16kb'), async (req, res) => {
      const body = InstallRequestSchema.parse(req.body);
      const state = randomBytes(32).toString('base64url');
      await insertInstallState(
        db,
        state,
        { slug: body.slug, name: body.name, auditChannel: body.auditChannel ?? null, actor: adminActor(req).actor },
        INSTALL_STATE_TTL_SECONDS,
      );
      const url = new URL(settings.authorizeUrl);
      url.searchParams.set('client_id', settings.clientId);
      url.searchParams.set('scope', SLACK_BOT_SCOPES.join(','));
      url.searchParams.set('state', state);
      if (deps.publicUrl) url.searchParams.set('redirect_uri', `${deps.publicUrl}${CHAT_PATHS.slackOAuthCallback}`);
      res.status(201).json({ installUrl: url.toString(), expiresInSeconds: INSTALL_STATE_TTL_SECONDS });
    });
    return router;
  }

  /** Slack's redirect after the admin approved: consume the state, exchange the code (outside any transaction), store. */
  function oauthCallback(): Router {
    const router = Router();
    router.get('/', noStore, async (req, res) => {
      const code = typeof req.query.code === 'string' ? req.query.code : undefined;
      const state = typeof req.query.state === 'string' ? req.query.state : undefined;
      if (!state || state.length > 100) throw new AppError('bad_request', 'This install link is not valid; start the install again.');
      const install = await takeInstallState(db, state);
      if (!install) throw new AppError('bad_request', 'This install link was used already or has expired; start the install again.');
      if (!code || code.length > 500) throw new AppError('bad_request', 'Slack did not approve the install; start it again.');
      let access;
      try {
        access = await createSlackClient(undefined, settings.client).oauth.v2.access({
          client_id: settings.clientId,
          client_secret: settings.clientSecret,
          code,
          ...(deps.publicUrl ? { redirect_uri: `${deps.publicUrl}${CHAT_PATHS.slackOAuthCallback}` } : {}),
        });
      } catch (err) {
        const name = platformError(err);
        throw new AppError(
          name ? 'bad_request' : 'helpdesk_unavailable',
          name ? 'Slack refused the install; start it again.' : 'Slack could not be reached; start the install again.',
        );
      }
      const teamId = access.team?.id;
      const token = access.access_token;
      if (access.token_type !== 'bot' || !teamId || !token || access.is_enterprise_install === true) {
        throw new AppError('bad_request', 'Slack answered without a workspace bot token (org-wide installs are not supported).');
      }
      try {
        const done = await installWorkspace(db, {
          tenantId: randomUUID(),
          slug: install.slug,
          name: install.name,
          teamId,
          botUserId: access.bot_user_id ?? null,
          auditChannel: install.auditChannel,
          sealedToken: (tenantId) => keyring.seal(Buffer.from(token, 'utf8'), botTokenBinding(tenantId)),
          actor: install.actor,
        });
        req.log.info({ tenant: done.tenantId, isNew: done.isNew }, 'slack workspace installed');
      } catch (err) {
        if (err instanceof WorkspaceConflictError)
          throw new AppError('conflict', `The slug "${install.slug}" is already used by another tenant.`);
        throw err;
      }
      res.type('text/plain').send('Vouchsafe is installed in your Slack workspace. You can close this page.');
    });
    return router;
  }

  return { app, events: receiver.router(), installRoutes: installRoutes(), oauthCallback: oauthCallback(), stop: stopListening };
}

export type SlackRuntime = ReturnType<typeof setupSlack>;
