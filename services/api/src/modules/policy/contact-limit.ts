import { sql, type Kysely, type Transaction } from 'kysely';
import type { VerificationPolicy } from '@vouchsafe/contracts';
import type { Database } from '../../db/schema';
import type { Db } from '../../db/database';

/**
 * Push limits per customer (requester key), across all agents and tickets (S9). The limit is
 * reached when the last `pushLimit.count` pushes all fall inside `windowSeconds`; pushes are then
 * refused until both the window has moved past the oldest of them and `cooldownSeconds` have
 * passed since the newest. Times come from the caller (`now`) so tests and the evaluation agree.
 * Pushes stamped after `now` still count: API processes (and requests waiting for the lock) read
 * their clocks at slightly different moments, and a push must never hide behind a few milliseconds.
 */

export interface PushLimitState {
  /** Pushes to this customer within the window ending now. */
  count: number;
  /** null when a push may be sent now. */
  retryAfterSeconds: number | null;
}

type PushLimit = VerificationPolicy['pushLimit'];

/** One SELECT computing the state; used on its own and inside the reserving statement. */
const stateQuery = (tenantId: string, requesterKey: Buffer, limit: PushLimit, now: Date) => sql<{ count: number; blocked_until: Date | null }>`
  SELECT
    (SELECT count(*)::int FROM push_attempts
      WHERE tenant_id = ${tenantId} AND requester_key = ${requesterKey}
        AND sent_at > ${now}::timestamptz - make_interval(secs => ${limit.windowSeconds})) AS count,
    (SELECT CASE WHEN count(*) >= ${limit.count}
                  AND max(sent_at) - min(sent_at) < make_interval(secs => ${limit.windowSeconds})
                 THEN GREATEST(min(sent_at) + make_interval(secs => ${limit.windowSeconds}),
                               max(sent_at) + make_interval(secs => ${limit.cooldownSeconds}))
            END
       FROM (SELECT sent_at FROM push_attempts
              WHERE tenant_id = ${tenantId} AND requester_key = ${requesterKey}
              ORDER BY sent_at DESC LIMIT ${limit.count}) AS last_pushes) AS blocked_until`;

function toState(row: { count: number; blocked_until: Date | null }, now: Date): PushLimitState {
  const remainingMs = row.blocked_until ? row.blocked_until.getTime() - now.getTime() : 0;
  return { count: row.count, retryAfterSeconds: remainingMs > 0 ? Math.ceil(remainingMs / 1000) : null };
}

export async function checkPushLimit(
  db: Kysely<Database>,
  tenantId: string,
  requesterKey: Buffer,
  policy: Pick<VerificationPolicy, 'pushLimit'>,
  now: Date,
): Promise<PushLimitState> {
  const { rows } = await stateQuery(tenantId, requesterKey, policy.pushLimit, now).execute(db);
  return toState(rows[0]!, now);
}

export type PushReservation = ({ isReserved: true } | { isReserved: false }) & PushLimitState;

async function reserveIn(
  trx: Transaction<Database>,
  args: { tenantId: string; requesterKey: Buffer; verificationId: string; policy: Pick<VerificationPolicy, 'pushLimit'>; now: Date },
): Promise<PushReservation> {
  const { tenantId, requesterKey, verificationId, now } = args;
  const limit = args.policy.pushLimit;
  // Serialises reservations for this customer only. The next statement takes its snapshot after the
  // lock is held (READ COMMITTED), so it sees every push committed by an earlier holder.
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`push:${tenantId}:${requesterKey.toString('hex')}`}, 0))`.execute(trx);
  const { rows } = await sql<{ count: number; blocked_until: Date | null; is_reserved: boolean }>`
    WITH state AS (${stateQuery(tenantId, requesterKey, limit, now)}),
    ins AS (
      INSERT INTO push_attempts (tenant_id, requester_key, verification_id, sent_at)
      SELECT ${tenantId}, ${requesterKey}, ${verificationId}, ${now}::timestamptz FROM state
       WHERE blocked_until IS NULL OR blocked_until <= ${now}::timestamptz
      RETURNING 1
    )
    SELECT count, blocked_until, EXISTS (SELECT 1 FROM ins) AS is_reserved FROM state`.execute(trx);
  const row = rows[0]!;
  if (row.is_reserved) return { isReserved: true, count: row.count + 1, retryAfterSeconds: null };
  return { isReserved: false, ...toState(row, now) };
}

/**
 * Counts and records one push in one statement, under a per-customer advisory lock, refusing when
 * the limit is reached: two agents pushing the same customer at once cannot both slip under it.
 * Call before asking the IdP (no network call inside the transaction); a push that then fails to
 * send still counts, which errs on the side of the customer's phone. Pass a transaction to make
 * the reservation part of a larger one (the lock is held until it ends).
 */
export async function reservePushAttempt(
  db: Db | Transaction<Database>,
  args: { tenantId: string; requesterKey: Buffer; verificationId: string; policy: Pick<VerificationPolicy, 'pushLimit'>; now: Date },
): Promise<PushReservation> {
  if (db.isTransaction) return reserveIn(db as Transaction<Database>, args);
  return db.transaction().execute((trx) => reserveIn(trx, args));
}
