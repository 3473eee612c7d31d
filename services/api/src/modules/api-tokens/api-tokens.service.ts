import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors';
import type { Db } from '../../db/database';
import { sha256 } from '../../lib/ids';
import type { Logger } from '../../logger';
import { API_TOKEN_SCOPES, type ApiToken, type ApiTokenScope } from './api-tokens';
import { findLiveToken, insertToken, listTokens, revokeToken, TokenNameTakenError, touchToken } from './api-tokens.repository';

/**
 * API tokens created at run time: named, scoped, expiring, revocable, shown once (issue 10). The environment's
 * `VOUCHSAFE_API_TOKENS` remain the bootstrap path: the first admin token, which creates these.
 */

/** Stored tokens start with this, so secret scanners (and people) can tell a Vouchsafe token when they see one. */
export const STORED_TOKEN_PREFIX = 'vsk_';
export const MAX_TOKEN_DAYS = 366;
export const DEFAULT_TOKEN_DAYS = 90;

export interface TokenView {
  name: string;
  scopes: ApiTokenScope[];
  source: 'environment' | 'stored';
  createdBy: string | null;
  createdAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/**
 * Who creates a token: the audit actor, the scopes they may hand out, and the person the new token will act for
 * (an operator, or the owner of the creating token; none for bootstrap tokens).
 */
export interface TokenCreator {
  actor: string;
  grantable: readonly ApiTokenScope[];
  owner: { actor: string; label: string } | undefined;
}

export interface ApiTokensService {
  create(
    input: { name: string; scopes: ApiTokenScope[]; expiresInDays: number },
    creator: TokenCreator,
  ): Promise<TokenView & { token: string }>;
  list(): Promise<TokenView[]>;
  revoke(name: string, actor: string): Promise<void>;
  /** bearerAuth's lookup for values that are not bootstrap tokens. */
  findStored(presented: string): Promise<ApiToken | undefined>;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function createApiTokensService(deps: { db: Db; bootstrap: readonly ApiToken[]; logger: Logger }): ApiTokensService {
  const bootstrapNames = new Set(deps.bootstrap.map((t) => t.name.toLowerCase()));
  const log = deps.logger.child({ component: 'api-tokens' });
  return {
    async create({ name, scopes, expiresInDays }, creator) {
      // No one hands out more than they hold: a token can only carry scopes its creator's token (or roles) allow.
      const beyond = scopes.filter((s) => !creator.grantable.includes(s));
      if (beyond.length > 0) {
        throw new AppError('forbidden', `You cannot grant the ${beyond.map((s) => `"${s}"`).join(', ')} scope: you do not hold it.`);
      }
      if (bootstrapNames.has(name.toLowerCase())) {
        throw new AppError('conflict', `A token named "${name}" is configured in VOUCHSAFE_API_TOKENS; choose another name.`);
      }
      const token = `${STORED_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const expiresAt = new Date(Date.now() + expiresInDays * 86_400_000);
      try {
        const row = await insertToken(deps.db, {
          name,
          scopes,
          digest: sha256(token),
          createdBy: creator.actor,
          expiresAt,
          owner: creator.owner,
        });
        return {
          name: row.name,
          scopes: row.scopes,
          source: 'stored',
          createdBy: row.createdBy,
          createdAt: iso(row.createdAt),
          expiresAt: iso(row.expiresAt),
          revokedAt: null,
          lastUsedAt: null,
          token,
        };
      } catch (err) {
        if (err instanceof TokenNameTakenError) throw new AppError('conflict', `A token named "${name}" already exists; revoke it first.`);
        throw err;
      }
    },

    async list() {
      const env: TokenView[] = deps.bootstrap.map((t) => ({
        name: t.name,
        scopes: [...t.scopes],
        source: 'environment',
        createdBy: null,
        createdAt: null,
        expiresAt: null,
        revokedAt: null,
        lastUsedAt: null,
      }));
      const stored = (await listTokens(deps.db)).map<TokenView>((r) => ({
        name: r.name,
        scopes: r.scopes,
        source: 'stored',
        createdBy: r.createdBy,
        createdAt: iso(r.createdAt),
        expiresAt: iso(r.expiresAt),
        revokedAt: iso(r.revokedAt),
        lastUsedAt: iso(r.lastUsedAt),
      }));
      return [...env, ...stored];
    },

    async revoke(name, actor) {
      if (bootstrapNames.has(name.toLowerCase())) {
        throw new AppError('conflict', `"${name}" is configured in VOUCHSAFE_API_TOKENS: remove it there and restart to revoke it.`);
      }
      if (!(await revokeToken(deps.db, name, actor))) throw new AppError('not_found', 'There is no live API token with that name.');
    },

    async findStored(presented) {
      // Only our own format is looked up: anything else cannot be a stored token and costs no query.
      if (!presented.startsWith(STORED_TOKEN_PREFIX) || presented.length !== STORED_TOKEN_PREFIX.length + 43) return undefined;
      const row = await findLiveToken(deps.db, sha256(presented));
      if (!row) return undefined;
      if (row.isStale) touchToken(deps.db, row.id).catch((err: unknown) => log.warn({ err }, 'could not record token use'));
      return Object.freeze({
        name: row.name,
        scopes: Object.freeze(row.scopes.filter((s): s is ApiTokenScope => (API_TOKEN_SCOPES as readonly string[]).includes(s))),
        digest: sha256(presented),
        expiresAt: row.expiresAt,
        ...(row.owner !== null ? { owner: Object.freeze({ actor: row.owner, label: row.ownerLabel ?? row.owner }) } : {}),
      });
    },
  };
}
