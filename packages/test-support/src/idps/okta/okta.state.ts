import { createHash, randomBytes, randomInt } from 'node:crypto';

/**
 * What a push transaction does when Vouchsafe polls it:
 * - approve / deny / timeout: Okta answers SUCCESS / REJECTED / TIMEOUT (after `afterPolls` WAITING answers);
 * - unknown: an answer outside the spec (`unknownState`, default 'PENDING_REVIEW'; null = no factorResult at all);
 * - manual: WAITING until the phone page (or a test) approves or denies, or the transaction expires (TIMEOUT).
 */
export type OktaOutcome = 'approve' | 'deny' | 'timeout' | 'unknown' | 'manual';

export interface OktaScript {
  outcome: OktaOutcome;
  /** How many polls answer WAITING before the outcome shows (default 0: the first poll answers). */
  afterPolls?: number;
  /** For 'unknown': the factorResult sent; null sends none. */
  unknownState?: string | null;
}

export type OktaFactorResult = 'WAITING' | 'SUCCESS' | 'REJECTED' | 'TIMEOUT';

export interface OktaFactor {
  id: string;
  factorType: 'push' | 'sms' | 'email' | 'token:software:totp';
  provider: 'OKTA' | 'GOOGLE';
  status: 'ACTIVE' | 'PENDING_ACTIVATION' | 'INACTIVE';
  created: Date;
  lastUpdated: Date;
  /** Device name for push, phone number for sms. */
  label: string;
}

export interface OktaUser {
  id: string;
  status: 'ACTIVE' | 'SUSPENDED' | 'DEPROVISIONED' | 'LOCKED_OUT';
  created: Date;
  login: string;
  email: string;
  firstName: string;
  lastName: string;
  mobilePhone: string | null;
  factors: OktaFactor[];
  /** Default for new transactions of this user. */
  script: OktaScript;
  /** false: Okta sends a plain push even when number matching is asked for (no `_embedded.challenge`). */
  numberMatching: boolean;
}

export interface OktaTransaction {
  id: string;
  userId: string;
  factorId: string;
  /** Present when a number matching challenge was issued. */
  correctAnswer: number | null;
  /** The three numbers Okta Verify offers (correct one included), for the phone page. */
  choices: number[];
  /** The User-Agent the push was sent with (Okta Verify shows it as the sign-in's browser). */
  userAgent: string;
  createdAt: Date;
  expiresAt: Date;
  polls: number;
  script: OktaScript;
  /** Once decided, every poll answers this; `unknown` answers the script's out-of-spec state. */
  result: OktaFactorResult | 'unknown';
  /** Who decided: the script (on a poll), the phone page, or expiry. */
  decidedBy: 'script' | 'phone' | 'expiry' | null;
}

/** What the phone page and its JSON list show of a pending push (no user identifiers beyond the masked login). */
export interface OktaPendingPush {
  transactionId: string;
  user: string;
  device: string;
  choices: number[];
  numberChallenge: boolean;
  userAgent: string;
  createdAt: string;
  expiresAt: string;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Okta-shaped 20-character ids: `00u…` users, `opf…` push factors, `mbl…` sms factors. */
function oktaId(prefix: string, seed?: string): string {
  const bytes = seed ? createHash('sha256').update(`okta:${prefix}:${seed}`).digest() : randomBytes(32);
  let id = prefix;
  for (let i = 0; id.length < 20; i += 1) id += ID_ALPHABET[(bytes[i] ?? 0) % ID_ALPHABET.length];
  return id;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Okta Verify pushes expire after five minutes. */
export const OKTA_PUSH_LIFETIME_MS = 5 * 60_000;

interface SeedUser {
  firstName: string;
  lastName: string;
  email: string;
  mobilePhone: string | null;
  /** Age of the push factor; null: no push factor (sms only). */
  pushAgeMs: number | null;
  smsPhone?: string;
}

/**
 * The desk stand-ins' three requesters (packages/test-support/src/desks/desk.state.ts) plus one user without push:
 * Priya (push enrolled 90 days ago), Lukas (push enrolled ONE HOUR ago: the recent-factor guard), Amara (push, 400
 * days), Noah (sms only: no push factor, the fallback case; add a desk ticket with his email to use him).
 */
const SEED_USERS: SeedUser[] = [
  {
    firstName: 'Priya',
    lastName: 'Natarajan',
    email: 'priya.natarajan@customer.test',
    mobilePhone: '+15550199101',
    pushAgeMs: 90 * DAY,
    smsPhone: '+15550199101',
  },
  { firstName: 'Lukas', lastName: 'Becker', email: 'lukas.becker@customer.test', mobilePhone: '+493055501002', pushAgeMs: HOUR },
  { firstName: 'Amara', lastName: 'Okafor', email: 'amara.okafor@customer.test', mobilePhone: null, pushAgeMs: 400 * DAY },
  {
    firstName: 'Noah',
    lastName: 'Kim',
    email: 'noah.kim@customer.test',
    mobilePhone: '+15550199104',
    pushAgeMs: null,
    smsPhone: '+15550199104',
  },
];

export const OKTA_SEED_LOGINS = SEED_USERS.map((u) => u.email);

/** In-memory Okta org: users, their factors, push transactions. Arrays are live: the stand-in reads and writes them. */
export class OktaState {
  users: OktaUser[] = [];
  transactions: OktaTransaction[] = [];

  constructor(private readonly isSeeded = true) {
    this.reset();
  }

  reset(): void {
    this.transactions = [];
    this.users = [];
    if (!this.isSeeded) return;
    const now = Date.now();
    for (const seed of SEED_USERS) {
      const user = this.addUser({
        email: seed.email,
        firstName: seed.firstName,
        lastName: seed.lastName,
        mobilePhone: seed.mobilePhone,
        push: false,
      });
      user.created = new Date(now - 500 * DAY);
      if (seed.pushAgeMs !== null)
        this.addFactor(user.email, { factorType: 'push', created: new Date(now - seed.pushAgeMs), label: `${seed.firstName}'s iPhone` });
      if (seed.smsPhone) this.addFactor(user.email, { factorType: 'sms', created: new Date(now - 200 * DAY), label: seed.smsPhone });
    }
  }

  /** A new ACTIVE user (login = email), with an ACTIVE Okta Verify push factor unless `push: false`. */
  addUser(input: {
    email: string;
    firstName?: string;
    lastName?: string;
    mobilePhone?: string | null;
    push?: boolean;
    script?: OktaScript;
  }): OktaUser {
    const email = input.email.toLowerCase();
    if (this.findUser(email)) throw new Error(`Okta stand-in: user ${email} exists`);
    const user: OktaUser = {
      id: oktaId('00u', email),
      status: 'ACTIVE',
      created: new Date(),
      login: email,
      email,
      firstName: input.firstName ?? email.split('@')[0] ?? 'User',
      lastName: input.lastName ?? 'Example',
      mobilePhone: input.mobilePhone ?? null,
      factors: [],
      script: input.script ?? { outcome: 'manual' },
      numberMatching: true,
    };
    this.users.push(user);
    if (input.push !== false) this.addFactor(email, { factorType: 'push', created: new Date(Date.now() - 30 * DAY) });
    return user;
  }

  addFactor(login: string, input: Partial<Omit<OktaFactor, 'id'>> & { factorType: OktaFactor['factorType'] }): OktaFactor {
    const user = this.requireUser(login);
    const created = input.created ?? new Date();
    const prefix = input.factorType === 'push' ? 'opf' : input.factorType === 'sms' ? 'mbl' : 'uft';
    const factor: OktaFactor = {
      id: oktaId(prefix, `${user.id}:${input.factorType}:${user.factors.length}`),
      factorType: input.factorType,
      provider: input.provider ?? 'OKTA',
      status: input.status ?? 'ACTIVE',
      created,
      lastUpdated: input.lastUpdated ?? created,
      label: input.label ?? (input.factorType === 'push' ? 'iPhone' : '+15550100000'),
    };
    user.factors.push(factor);
    return factor;
  }

  /** By id, login or email (case-insensitive), as Okta's `GET /api/v1/users/{id}` resolves it. */
  findUser(idOrLogin: string): OktaUser | undefined {
    const key = idOrLogin.toLowerCase();
    return this.users.find((u) => u.id === idOrLogin || u.login === key || u.email === key);
  }

  requireUser(idOrLogin: string): OktaUser {
    const user = this.findUser(idOrLogin);
    if (!user) throw new Error(`Okta stand-in: no user ${idOrLogin}`);
    return user;
  }

  /** What this user's next pushes do (transactions already started keep theirs unless `scriptTransaction`). */
  setOutcome(login: string, outcome: OktaOutcome | OktaScript): void {
    this.requireUser(login).script = typeof outcome === 'string' ? { outcome } : outcome;
  }

  scriptTransaction(transactionId: string, outcome: OktaOutcome | OktaScript): void {
    const tx = this.requireTransaction(transactionId);
    tx.script = typeof outcome === 'string' ? { outcome } : outcome;
  }

  transaction(transactionId: string): OktaTransaction | undefined {
    return this.transactions.find((t) => t.id === transactionId);
  }

  requireTransaction(transactionId: string): OktaTransaction {
    const tx = this.transaction(transactionId);
    if (!tx) throw new Error(`Okta stand-in: no transaction ${transactionId}`);
    return tx;
  }

  /** The newest transaction of a user (tests: "the push just sent to Priya"). */
  lastTransaction(login: string): OktaTransaction | undefined {
    const user = this.findUser(login);
    return user ? this.transactions.filter((t) => t.userId === user.id).at(-1) : undefined;
  }

  startPush(user: OktaUser, factor: OktaFactor, numberChallenge: boolean, userAgent: string): OktaTransaction {
    const now = Date.now();
    const correctAnswer = numberChallenge && user.numberMatching ? randomInt(10, 100) : null;
    const choices = new Set<number>(correctAnswer === null ? [] : [correctAnswer]);
    while (correctAnswer !== null && choices.size < 3) choices.add(randomInt(10, 100));
    const tx: OktaTransaction = {
      id: `v2mst.${oktaId('')}`,
      userId: user.id,
      factorId: factor.id,
      correctAnswer,
      choices: shuffle([...choices]),
      userAgent,
      createdAt: new Date(now),
      expiresAt: new Date(now + OKTA_PUSH_LIFETIME_MS),
      polls: 0,
      script: { ...user.script },
      result: 'WAITING',
      decidedBy: null,
    };
    this.transactions.push(tx);
    return tx;
  }

  /** One poll: applies expiry and the script, then returns the transaction's answer. */
  poll(tx: OktaTransaction): OktaTransaction['result'] {
    if (tx.result !== 'WAITING') return tx.result;
    if (Date.now() >= tx.expiresAt.getTime()) return this.decide(tx, 'TIMEOUT', 'expiry');
    if (tx.script.outcome === 'manual') return 'WAITING';
    if (tx.polls < (tx.script.afterPolls ?? 0)) {
      tx.polls += 1;
      return 'WAITING';
    }
    tx.polls += 1;
    const result = ({ approve: 'SUCCESS', deny: 'REJECTED', timeout: 'TIMEOUT', unknown: 'unknown' } as const)[tx.script.outcome];
    return this.decide(tx, result, 'script');
  }

  /** The phone: approve (with the number tapped, when there is a challenge) or deny. A wrong number rejects. */
  answer(transactionId: string, action: 'approve' | 'deny', tapped?: number): OktaTransaction['result'] {
    const tx = this.requireTransaction(transactionId);
    if (tx.result !== 'WAITING') throw new Error(`Okta stand-in: transaction ${transactionId} is already ${tx.result}`);
    if (Date.now() >= tx.expiresAt.getTime()) return this.decide(tx, 'TIMEOUT', 'expiry');
    if (action === 'deny') return this.decide(tx, 'REJECTED', 'phone');
    if (tx.correctAnswer !== null && tapped !== undefined && tapped !== tx.correctAnswer) return this.decide(tx, 'REJECTED', 'phone');
    return this.decide(tx, 'SUCCESS', 'phone');
  }

  pending(): OktaPendingPush[] {
    const now = Date.now();
    return this.transactions
      .filter((t) => t.result === 'WAITING' && t.expiresAt.getTime() > now)
      .map((t) => {
        const user = this.users.find((u) => u.id === t.userId);
        const factor = user?.factors.find((f) => f.id === t.factorId);
        return {
          transactionId: t.id,
          user: user ? `${user.firstName} ${user.lastName}` : 'unknown user',
          device: factor?.label ?? 'phone',
          choices: t.choices,
          numberChallenge: t.correctAnswer !== null,
          userAgent: t.userAgent,
          createdAt: t.createdAt.toISOString(),
          expiresAt: t.expiresAt.toISOString(),
        };
      });
  }

  private decide(
    tx: OktaTransaction,
    result: OktaTransaction['result'],
    by: NonNullable<OktaTransaction['decidedBy']>,
  ): OktaTransaction['result'] {
    tx.result = result;
    tx.decidedBy = by;
    return result;
  }
}
