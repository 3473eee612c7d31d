import { EventEmitter } from 'node:events';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { DeskState } from '../../desks/desk.state';

/** What /auth/v2/preauth answers for a user (`result`). `allow` is a bypass user, `enroll` one without a device. */
export type DuoPreauthResult = 'auth' | 'enroll' | 'deny' | 'allow';

/**
 * What happens to a push sent to the user:
 * approve / deny / fraud (denied and reported) / timeout (Duo gives up) — after `delayMs`;
 * manual — waits for the phone page (`/__phone/duo/pending`); bypass — Duo answers allow without a push;
 * unknown — auth_status answers a result Duo does not document (providers must fail on it).
 */
export type DuoPushOutcome = 'approve' | 'deny' | 'fraud' | 'timeout' | 'manual' | 'bypass' | 'unknown';

export interface DuoDevice {
  device: string;
  type: 'phone' | 'token';
  name: string;
  number: string;
  capabilities: string[];
}

export interface DuoUser {
  username: string;
  userId: string;
  preauth: DuoPreauthResult;
  devices: DuoDevice[];
  outcome: DuoPushOutcome;
  /** Duo policy "Require Verified Duo Push": only applies when the client said it supports it at preauth. */
  verifiedPush: boolean;
  /** How long a scripted outcome takes (ms). */
  delayMs: number;
}

export type DuoUserScript = Partial<Omit<DuoUser, 'username' | 'userId'>>;

/** auth_status's answer for a transaction. */
export interface DuoTxStatus {
  result: string;
  status: string;
  status_msg: string;
}

export interface DuoTransaction {
  txid: string;
  username: string;
  factor: string;
  device: string;
  pushinfo: Record<string, string>;
  type: string | null;
  /** The code Duo asks the user to type into Duo Mobile (Verified Duo Push), or null. */
  verifiedPushCode: string | null;
  status: DuoTxStatus;
  createdAt: Date;
  decidedAt: Date | null;
  /** auth_status reads so far (the first one answers at once, later ones long-poll). */
  reads: number;
}

export interface DuoLogEntry {
  api: 'auth' | 'oauth' | 'phone';
  method: string;
  path: string;
  params: Record<string, string>;
  status: number;
  /** Duo error code or OAuth error, when the stand-in refused the request. */
  error?: string | number;
  at: Date;
}

export type DuoDecision = Exclude<DuoPushOutcome, 'manual'>;

const DECISIONS: Record<DuoDecision, DuoTxStatus> = {
  approve: { result: 'allow', status: 'allow', status_msg: 'Success. Logging you in...' },
  deny: { result: 'deny', status: 'deny', status_msg: 'Login request denied.' },
  fraud: { result: 'deny', status: 'fraud', status_msg: 'Login request reported as fraudulent.' },
  timeout: { result: 'deny', status: 'timeout', status_msg: 'Login timed out.' },
  bypass: { result: 'allow', status: 'bypass', status_msg: 'Bypassing Duo authentication.' },
  unknown: { result: 'pending_review', status: 'held', status_msg: 'Held for review.' },
};

const PUSH_DEVICE = (n: number): DuoDevice => ({
  device: `DP${String(n).padStart(18, '0')}`,
  type: 'phone',
  name: 'Test phone',
  number: 'XXX-XXX-0100',
  capabilities: ['auto', 'push', 'sms', 'phone', 'mobile_otp'],
});

/** The desk stand-ins' seeded requesters (Priya, Lukas, Amara): Duo users by email, push approves. */
export function seededDuoUsernames(): string[] {
  const desks = new DeskState();
  return [...new Set(desks.zendesk.requesters.map((r) => r.email).filter((e): e is string => !!e))].map((e) => e.toLowerCase());
}

/** Users, push transactions, Universal Prompt codes and the request log of one Duo stand-in. */
export class DuoState {
  readonly users = new Map<string, DuoUser>();
  readonly transactions = new Map<string, DuoTransaction>();
  readonly log: DuoLogEntry[] = [];
  /** Usernames whose latest preauth carried client_supports_verified_push=1. */
  readonly verifiedPushClients = new Set<string>();
  private readonly events = new EventEmitter();
  private readonly timers = new Set<NodeJS.Timeout>();
  private deviceCounter = 0;

  constructor(private readonly isSeeded = true) {
    this.events.setMaxListeners(0);
    this.reset();
  }

  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.users.clear();
    this.transactions.clear();
    this.log.length = 0;
    this.verifiedPushClients.clear();
    this.deviceCounter = 0;
    if (this.isSeeded) for (const username of seededDuoUsernames()) this.setUser(username);
  }

  /** Adds or changes a user (usernames are compared in lower case, as Duo normalises them). */
  setUser(username: string, script: DuoUserScript = {}): DuoUser {
    const key = username.toLowerCase();
    const base: DuoUser = this.users.get(key) ?? {
      username: key,
      userId: `DU${randomBytes(9).toString('hex').toUpperCase()}`,
      preauth: 'auth',
      devices: [PUSH_DEVICE(++this.deviceCounter)],
      outcome: 'approve',
      verifiedPush: false,
      delayMs: 100,
    };
    const user: DuoUser = { ...base, ...script, username: base.username, userId: base.userId };
    this.users.set(key, user);
    return user;
  }

  user(username: string): DuoUser | undefined {
    return this.users.get(username.toLowerCase());
  }

  createTransaction(
    user: DuoUser,
    input: { factor: string; device: string; pushinfo: Record<string, string>; type: string | null },
  ): DuoTransaction {
    const isVerified = user.verifiedPush && this.verifiedPushClients.has(user.username);
    const code = isVerified ? String(randomInt(0, 1_000_000)).padStart(6, '0') : null;
    const tx: DuoTransaction = {
      txid: randomUUID(),
      username: user.username,
      ...input,
      verifiedPushCode: code,
      status: {
        result: 'waiting',
        status: 'pushed',
        status_msg: code ? `Please enter verification code ${code} into Duo Mobile...` : 'Pushed a login request to your device...',
      },
      createdAt: new Date(),
      decidedAt: null,
      reads: 0,
    };
    this.transactions.set(tx.txid, tx);
    if (user.outcome !== 'manual') {
      const outcome = user.outcome;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.decide(tx.txid, outcome);
      }, user.delayMs);
      timer.unref();
      this.timers.add(timer);
    }
    return tx;
  }

  /** Settles a waiting push; false if it is unknown or already settled. */
  decide(txid: string, decision: DuoDecision): boolean {
    const tx = this.transactions.get(txid);
    if (!tx || tx.status.result !== 'waiting') return false;
    tx.status = { ...DECISIONS[decision] };
    tx.decidedAt = new Date();
    this.events.emit('changed', txid);
    return true;
  }

  /** Pushes still waiting for an answer (what the phone page lists). */
  pending(): DuoTransaction[] {
    return [...this.transactions.values()].filter((tx) => tx.status.result === 'waiting');
  }

  /** Resolves when the transaction changes or after `ms`. */
  waitForChange(txid: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.events.off('changed', onChange);
        resolve();
      };
      const onChange = (changed: string): void => {
        if (changed === txid) done();
      };
      const timer = setTimeout(done, ms);
      this.events.on('changed', onChange);
    });
  }

  record(entry: Omit<DuoLogEntry, 'at'>): void {
    this.log.push({ ...entry, at: new Date() });
  }

  /** Stops pending timers (the stand-in is closing). */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
