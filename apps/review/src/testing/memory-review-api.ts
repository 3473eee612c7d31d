import type { OperatorMe, ReviewEntry, ReviewSearchResult, ReviewTenant, ReviewTimeline } from '@vouchsafe/contracts';
import type { ApiFailure, ApiResult, ReviewApi, SearchInput } from '../api/review-api';

/**
 * An in-memory ReviewApi for component specs: tenants and entries given by the spec, search filtered the way the
 * server documents it (ticket, agent, outcome, flag, dates), and failures a spec can inject per call.
 */
export interface MemoryReviewApi extends ReviewApi {
  calls: Array<{ method: keyof ReviewApi; args: unknown[] }>;
  /** The next call of `method` fails like this (once). */
  failNext(method: keyof ReviewApi, failure: ApiFailure): void;
  /** The next call of `method` waits until the returned function is called. */
  holdNext(method: keyof ReviewApi): () => void;
  signedIn: boolean;
}

export const SIGNED_IN: OperatorMe = {
  label: 'Rita Reviewer',
  actor: 'operator:acct-1',
  roles: ['auditor'],
  tenants: null,
  csrfToken: 'csrf-token-of-this-session-aaaaaaaaaaaaaaaaaaa',
  idleExpiresAt: '2026-12-03T12:30:00.000Z',
  expiresAt: '2026-12-03T20:00:00.000Z',
};

export function memoryReviewApi(data: {
  tenants: ReviewTenant[];
  entries: Record<string, ReviewEntry[]>;
  me?: OperatorMe | null;
}): MemoryReviewApi {
  const failures = new Map<keyof ReviewApi, ApiFailure>();
  const holds = new Map<keyof ReviewApi, Promise<void>>();
  const ok = <T>(value: T): ApiResult<T> => ({ ok: true, value });

  async function step<T>(method: keyof ReviewApi, args: unknown[], answer: () => ApiResult<T>): Promise<ApiResult<T>> {
    api.calls.push({ method, args });
    const hold = holds.get(method);
    holds.delete(method);
    if (hold) await hold;
    const failure = failures.get(method);
    failures.delete(method);
    if (failure) return { ok: false, failure };
    if (!api.signedIn && method !== 'signOut') return { ok: false, failure: { kind: 'signed-out' } };
    return answer();
  }

  function matches(e: ReviewEntry, q: SearchInput): boolean {
    if (q.ticket && e.ticketId !== q.ticket) return false;
    if (q.agent && !(e.actor ?? '').includes(q.agent)) return false;
    if (q.outcome && !e.event.type.endsWith(`.${q.outcome}`)) return false;
    if (q.flag && !e.flags.includes(q.flag)) return false;
    if (q.kind && e.kind !== q.kind) return false;
    if (q.from && e.event.occurredAt < q.from) return false;
    if (q.until && e.event.occurredAt > q.until) return false;
    return true;
  }

  const api: MemoryReviewApi = {
    calls: [],
    signedIn: data.me !== null,
    failNext: (method, failure) => void failures.set(method, failure),
    holdNext(method) {
      let release = () => undefined as void;
      holds.set(method, new Promise<void>((resolve) => (release = resolve)));
      return () => release();
    },
    me: () => step('me', [], () => ok(data.me ?? SIGNED_IN)),
    signOut: (csrf) =>
      step('signOut', [csrf], () => {
        api.signedIn = false;
        return ok(undefined);
      }),
    tenants: () => step('tenants', [], () => ok(data.tenants)),
    search: (tenant, query) =>
      step('search', [tenant, query], (): ApiResult<ReviewSearchResult> => {
        const items = (data.entries[tenant] ?? []).filter((e) => matches(e, query)).map((e) => ({ ...e, note: null }));
        // Newest first, as the server answers searches.
        items.sort((a, b) => b.event.occurredAt.localeCompare(a.event.occurredAt));
        return ok({ items, nextCursor: null });
      }),
    timeline: (tenant, ticketId) =>
      step('timeline', [tenant, ticketId], (): ApiResult<ReviewTimeline> => {
        const entries = (data.entries[tenant] ?? []).filter((e) => e.ticketId === ticketId);
        if (entries.length === 0) return { ok: false, failure: { kind: 'not-found', message: 'There is no such ticket.' } };
        entries.sort((a, b) => a.event.occurredAt.localeCompare(b.event.occurredAt));
        return ok({ tenant, ticketId, entries });
      }),
  };
  return api;
}

let n = 0;
/** A review entry with sensible defaults. */
export function entry(over: Partial<Omit<ReviewEntry, 'event'>> & { type: string; at: string; id?: string }): ReviewEntry {
  n += 1;
  const { type, at, id, ...rest } = over;
  return {
    event: {
      id: id ?? `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      type,
      secretId: null,
      occurredAt: at,
      data: {},
      chainIndex: n,
      prevHash: null,
      hash: 'ab'.repeat(32),
    },
    kind: 'verification',
    ticketId: '101',
    actor: 'agent:Sam A.',
    flags: [],
    note: null,
    ...rest,
  };
}
