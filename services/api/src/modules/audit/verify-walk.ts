import { eventHash } from './canonical';
import type { SignedCheckpoint } from './checkpoints';

/**
 * The chain walk shared by `audit verify` over the database and over an export file: recompute every hash from the
 * event's content, check the links, and compare the chain with every signed checkpoint of the tenant (which a
 * database superuser cannot forge). docs/AUDIT-FORMAT.md describes the same algorithm for third parties.
 */

/** One sealed event as the verifier reads it (from a row or an NDJSON line). Hashes are raw bytes. */
export interface WalkEvent {
  chainIndex: string;
  id: string;
  tenantId: string;
  type: string;
  secretId: string | null;
  /** ISO 8601 with milliseconds and `Z`, exactly as hashed. */
  occurredAt: string;
  data: Record<string, unknown>;
  prevHash: Buffer | null;
  hash: Buffer | null;
}

export type FindingKind =
  /** An event's content no longer matches its hash: edited. */
  | 'hash_mismatch'
  /** An event does not link to the one before it: one was deleted or moved. */
  | 'prev_hash_mismatch'
  /** Chain indexes skip or repeat: an event was deleted or moved. */
  | 'index_gap'
  /** The database's head row does not match the last event (database only). */
  | 'head_mismatch'
  /** The chain is self-consistent but differs from what was signed at this index: rewritten with recomputed hashes. */
  | 'checkpoint_mismatch'
  /** A signed checkpoint covers an index the chain no longer reaches: the tail was cut. */
  | 'truncated'
  /** A checkpoint whose signature does not verify, whose kid is unknown, or whose file name lies. */
  | 'forged_checkpoint';

export interface Finding {
  kind: FindingKind;
  tenantId: string;
  chainIndex: string | null;
  eventId?: string | null;
  /** For forged checkpoints: why (unknown_kid, bad_signature, malformed, name_mismatch) and where. */
  detail?: string;
}

export interface TenantSummary {
  tenantId: string;
  events: number;
  firstIndex: string | null;
  lastIndex: string | null;
  /** Signed checkpoints the chain was compared with, and the highest index they vouch for. */
  checkpoints: number;
  coveredTo: string | null;
}

/** Walks one tenant's chain in index order. Stops comparing at the first break (what follows cannot be trusted). */
export class ChainWalk {
  private expect: bigint;
  private prev: Buffer;
  private next = 0;
  private isBroken = false;
  readonly summary: TenantSummary;
  readonly findings: Finding[] = [];
  private lastHash: Buffer;

  /**
   * @param start expected first index and the hash it links to (genesis: 1 and 32 zero bytes; a partial export: its
   *   first line's index and prevHash — anchored by the checkpoints at or after it)
   * @param checkpoints this tenant's verified checkpoints, ascending by index, none below start.index
   */
  constructor(
    tenantId: string,
    start: { index: bigint; prev: Buffer },
    private readonly checkpoints: readonly SignedCheckpoint[],
  ) {
    this.expect = start.index;
    this.prev = start.prev;
    this.lastHash = start.prev;
    this.summary = { tenantId, events: 0, firstIndex: null, lastIndex: null, checkpoints: 0, coveredTo: null };
  }

  get broken(): boolean {
    return this.isBroken;
  }

  get last(): { index: bigint; hash: Buffer } {
    return { index: this.expect - 1n, hash: this.lastHash };
  }

  private fail(kind: FindingKind, chainIndex: string, eventId: string | null): void {
    this.findings.push({ kind, tenantId: this.summary.tenantId, chainIndex, eventId });
    this.isBroken = true;
  }

  push(e: WalkEvent): void {
    if (this.isBroken) return;
    const index = BigInt(e.chainIndex);
    if (index !== this.expect) return this.fail('index_gap', e.chainIndex, e.id);
    if (!e.prevHash || !this.prev.equals(e.prevHash)) return this.fail('prev_hash_mismatch', e.chainIndex, e.id);
    const occurred = new Date(e.occurredAt);
    const isCanonicalTime = !Number.isNaN(occurred.getTime()) && occurred.toISOString() === e.occurredAt;
    const hash = eventHash(this.prev, { ...e, chainIndex: e.chainIndex, occurredAt: occurred });
    if (!isCanonicalTime || !e.hash || !hash.equals(e.hash)) return this.fail('hash_mismatch', e.chainIndex, e.id);
    // Every checkpoint at this index must match what the chain now says.
    while (this.next < this.checkpoints.length && BigInt(this.checkpoints[this.next]!.chainIndex) <= index) {
      const cp = this.checkpoints[this.next]!;
      this.next += 1;
      if (BigInt(cp.chainIndex) < index) continue; // below a partial export's start: not ours to judge
      if (cp.hash !== hash.toString('hex')) return this.fail('checkpoint_mismatch', e.chainIndex, e.id);
      this.summary.checkpoints += 1;
      this.summary.coveredTo = cp.chainIndex;
    }
    this.summary.firstIndex ??= e.chainIndex;
    this.summary.lastIndex = e.chainIndex;
    this.summary.events += 1;
    this.prev = hash;
    this.lastHash = hash;
    this.expect = index + 1n;
  }

  /**
   * End of the chain. `mustReach(cp)`: whether the walk was expected to reach that checkpoint (the database: always;
   * a full export: those signed well before it was made; a partial one: never). One it did not reach means the tail
   * was cut.
   */
  finish(mustReach: (cp: SignedCheckpoint) => boolean): void {
    if (this.isBroken) return;
    const last = this.expect - 1n;
    const beyond = this.checkpoints.slice(this.next).find((cp) => BigInt(cp.chainIndex) > last && mustReach(cp));
    if (beyond) {
      this.findings.push({ kind: 'truncated', tenantId: this.summary.tenantId, chainIndex: beyond.chainIndex, eventId: null });
      this.isBroken = true;
    }
  }
}

/** One sentence per finding, naming the event (receipt id) and index; never any content. */
export function describeFinding(f: Finding): string {
  const at = `tenant ${f.tenantId}, chain index ${f.chainIndex ?? '?'}`;
  switch (f.kind) {
    case 'hash_mismatch':
      return `event ${f.eventId} (${at}) was edited: its content no longer matches its hash`;
    case 'prev_hash_mismatch':
      return `event ${f.eventId} (${at}) does not follow the event before it: an event was deleted or moved`;
    case 'index_gap':
      return `event ${f.eventId} (${at}) is out of sequence: an event before it was deleted or moved`;
    case 'head_mismatch':
      return `the chain of tenant ${f.tenantId} ends before its recorded head (index ${f.chainIndex}): events at the end were deleted`;
    case 'checkpoint_mismatch':
      return `event ${f.eventId} (${at}) differs from the signed checkpoint at that index: the chain was rewritten (hashes recomputed)`;
    case 'truncated':
      return `a signed checkpoint vouches for ${at} but the chain ends before it: events at the end were deleted`;
    case 'forged_checkpoint':
      return `checkpoint for ${at} is forged (${f.detail ?? 'invalid'})`;
  }
}
