import { sql, type Kysely, type Transaction } from 'kysely';
import type { VerificationMethod, VerificationPolicy } from '@vouchsafe/contracts';
import type { Database } from '../../db/schema';
import { lockForTransaction } from '../../db/sql';

/**
 * Contact limits per customer (requester key), across all agents and tickets (S9), in
 * `push_attempts`: pushes are limited by `policy.pushLimit` (push-bombing); one-time links and
 * callback codes together by `policy.contactLimit` (inbox / phone flooding, and the notes each
 * start writes). A limit is reached when the last `count` contacts of its channels all fall inside
 * `windowSeconds`; contacts are then refused until both the window has moved past the oldest of
 * them and `cooldownSeconds` have passed since the newest. Times come from the caller (`now`) so
 * tests and the evaluation agree. Contacts stamped after `now` still count: API processes (and
 * requests waiting for the lock) read their clocks at slightly different moments, and a contact
 * must never hide behind a few milliseconds.
 *
 * A customer is matched under every candidate requester key (current and legacy, see
 * lib/requester-key.ts) so an upgrade or rotation never restarts anyone's window.
 */

export type ContactChannel = 'push' | 'link' | 'code';

export interface ContactLimitState {
  /** Contacts of this limit's channels within the window ending now. */
  count: number;
  /** null when a contact may be made now. */
  retryAfterSeconds: number | null;
}

type Limit = VerificationPolicy['pushLimit'];
export type LimitPolicy = Pick<VerificationPolicy, 'pushLimit' | 'contactLimit'>;

const LINK_METHODS: readonly VerificationMethod[] = ['oidc', 'duo_universal'];
const CODE_METHODS: readonly VerificationMethod[] = ['callback_sms', 'callback_voice'];

/** How a verification method reaches the customer. */
export function channelOf(method: VerificationMethod): ContactChannel {
  if (LINK_METHODS.includes(method)) return 'link';
  if (CODE_METHODS.includes(method)) return 'code';
  return 'push';
}

/** The limit a channel falls under, and every channel that shares it. */
function limitOf(policy: LimitPolicy, channel: ContactChannel): { limit: Limit; channels: ContactChannel[] } {
  return channel === 'push' ? { limit: policy.pushLimit, channels: ['push'] } : { limit: policy.contactLimit, channels: ['link', 'code'] };
}

/** One SELECT computing the state; used on its own and inside the reserving statement. */
const stateQuery = (tenantId: string, keys: readonly Buffer[], channels: readonly ContactChannel[], limit: Limit, now: Date) => sql<{
  count: number;
  blocked_until: Date | null;
}>`
  SELECT
    (SELECT count(*)::int FROM push_attempts
      WHERE tenant_id = ${tenantId} AND requester_key = ANY (${[...keys]}::bytea[]) AND channel = ANY (${[...channels]}::text[])
        AND sent_at > ${now}::timestamptz - make_interval(secs => ${limit.windowSeconds})) AS count,
    (SELECT CASE WHEN count(*) >= ${limit.count}
                  AND max(sent_at) - min(sent_at) < make_interval(secs => ${limit.windowSeconds})
                 THEN GREATEST(min(sent_at) + make_interval(secs => ${limit.windowSeconds}),
                               max(sent_at) + make_interval(secs => ${limit.cooldownSeconds}))
            END
       FROM (SELECT sent_at FROM push_attempts
              WHERE tenant_id = ${tenantId} AND requester_key = ANY (${[...keys]}::bytea[]) AND channel = ANY (${[...channels]}::text[])
              ORDER BY sent_at DESC LIMIT ${limit.count}) AS last_contacts) AS blocked_until`;

function toState(row: { count: number; blocked_until: Date | null }, now: Date): ContactLimitState {
  const remainingMs = row.blocked_until ? row.blocked_until.getTime() - now.getTime() : 0;
  return { count: row.count, retryAfterSeconds: remainingMs > 0 ? Math.ceil(remainingMs / 1000) : null };
}

export interface CustomerKeys {
  /** What a new contact row stores (the current requester key). */
  primary: Buffer;
  /** Every key the customer's earlier contacts may be stored under (primary first). */
  candidates: readonly Buffer[];
}

export async function checkContactLimit(
  db: Kysely<Database>,
  tenantId: string,
  keys: CustomerKeys,
  channel: ContactChannel,
  policy: LimitPolicy,
  now: Date,
): Promise<ContactLimitState> {
  const { limit, channels } = limitOf(policy, channel);
  const { rows } = await stateQuery(tenantId, keys.candidates, channels, limit, now).execute(db);
  return toState(rows[0]!, now);
}

export type ContactReservation = ({ isReserved: true } | { isReserved: false }) & ContactLimitState;

export interface ReserveArgs {
  tenantId: string;
  keys: CustomerKeys;
  verificationId: string;
  channel: ContactChannel;
  policy: LimitPolicy;
  now: Date;
}

/**
 * Counts and records one contact in one statement, under a per-customer advisory lock held until
 * the transaction ends, refusing when the channel's limit is reached: two agents contacting the
 * same customer at once cannot both slip under it. Must run inside a transaction (the caller's:
 * the verification that uses the slot is inserted in the same one), before the IdP is asked — no
 * network call inside it. A contact that then fails to go out still counts, which errs on the side
 * of the customer.
 */
export async function reserveContact(trx: Transaction<Database>, args: ReserveArgs): Promise<ContactReservation> {
  const { tenantId, keys, verificationId, channel, now } = args;
  const { limit, channels } = limitOf(args.policy, channel);
  // Serialises reservations for this customer only. The next statement takes its snapshot after the
  // lock is held (READ COMMITTED), so it sees every contact committed by an earlier holder.
  await lockForTransaction(trx, `contact:${tenantId}:${keys.primary.toString('hex')}`);
  const { rows } = await sql<{ count: number; blocked_until: Date | null; is_reserved: boolean }>`
    WITH state AS (${stateQuery(tenantId, keys.candidates, channels, limit, now)}),
    ins AS (
      INSERT INTO push_attempts (tenant_id, requester_key, verification_id, channel, sent_at)
      SELECT ${tenantId}, ${keys.primary}, ${verificationId}, ${channel}, ${now}::timestamptz FROM state
       WHERE blocked_until IS NULL OR blocked_until <= ${now}::timestamptz
      RETURNING 1
    )
    SELECT count, blocked_until, EXISTS (SELECT 1 FROM ins) AS is_reserved FROM state`.execute(trx);
  const row = rows[0]!;
  if (row.is_reserved) return { isReserved: true, count: row.count + 1, retryAfterSeconds: null };
  return { isReserved: false, ...toState(row, now) };
}

/** The same reservation in a transaction of its own (tests, and callers with nothing else to write). */
export function reserveContactAlone(db: Kysely<Database>, args: ReserveArgs): Promise<ContactReservation> {
  return db.transaction().execute((trx) => reserveContact(trx, args));
}
