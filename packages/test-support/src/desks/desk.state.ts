import { createHash, randomUUID } from 'node:crypto';
import { DESK_ACCOUNTS } from './desk.accounts';
import { type Desk, type DeskComment, type DeskPerson, type DeskRequest, type DeskTicket } from './desk.types';

/** Everything one desk holds. Arrays are live: the stand-in reads and writes them. */
export interface DeskData {
  readonly desk: Desk;
  /** The account the tenant credentials belong to; it authors every note the API writes. */
  apiUser: DeskPerson;
  agents: DeskPerson[];
  requesters: DeskPerson[];
  tickets: DeskTicket[];
}

export interface NewTicket {
  subject?: string;
  /** An existing requester, or the fields of a new one. */
  requester?: string | { name?: string; email?: string | null; phone?: string | null; phoneSetAt?: Date; isPhoneAudited?: boolean };
  /** ServiceNow table (default 'incident'). */
  table?: string;
}

/** What `DeskState.snapshot()` writes: the desks' tickets (with their comments) and requesters, JSON-safe. */
export interface DeskSnapshot {
  version: 1;
  counter: number;
  desks: Record<Desk, { requesters: DeskPerson[]; tickets: DeskTicket[] }>;
}

const revivePerson = (p: DeskPerson): DeskPerson => ({ ...p, phoneSetAt: new Date(p.phoneSetAt), updatedAt: new Date(p.updatedAt) });
const reviveTicket = (t: DeskTicket): DeskTicket => ({
  ...t,
  createdAt: new Date(t.createdAt),
  comments: t.comments.map((c) => ({ ...c, createdAt: new Date(c.createdAt) })),
});

/** Deterministic 32-hex ServiceNow sys_id for a seed label. */
function sysId(label: string): string {
  return createHash('sha256').update(`servicenow:${label}`).digest('hex').slice(0, 32);
}

/** Deterministic 24-hex Atlassian accountId for a seed label. */
function accountId(label: string): string {
  return createHash('sha256').update(`jira:${label}`).digest('hex').slice(0, 24);
}

interface SeedRequester {
  name: string;
  email: string;
  phone: string;
  subject: string;
}

const SEED_AGENTS = [
  { key: 'jane', name: 'Jane Doe', email: 'jane.doe@acme.test', phone: '+1 555 0100 001' },
  { key: 'omar', name: 'Omar Haddad', email: 'omar.haddad@acme.test', phone: '+1 555 0100 002' },
];

const SEED_REQUESTERS: SeedRequester[] = [
  { name: 'Priya Natarajan', email: 'priya.natarajan@customer.test', phone: '+1 555 0199 101', subject: 'Reset my VPN password' },
  { name: 'Lukas Becker', email: 'lukas.becker@customer.test', phone: '+49 30 5550 1002', subject: 'New laptop needs the Wi-Fi key' },
  { name: 'Amara Okafor', email: 'amara.okafor@customer.test', phone: '+44 20 7946 0103', subject: 'Share the staging database password' },
];

const SEED_TIME = new Date('2026-11-25T09:00:00Z');
/** Seeded people set their phone numbers long ago (well past any policy's "unchanged for" window). */
const SEED_PHONE_TIME = new Date('2025-06-01T09:00:00Z');
const YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * In-memory records of the three stand-in desks, seeded with a few tickets each. Tests read `zendesk`, `servicenow`
 * and `jira` for ids, add tickets, and assert on `notes()` / `comments()` / `requests()`.
 */
/**
 * Zendesk "Send Notification to App" (`POST /api/v2/apps/notify.json`), as received (issue 16): the desk delivers it to
 * the app's instances as `api_notification.<event>`; the demo desk's agent pages read these and fire the event.
 */
export interface AppNotification {
  seq: number;
  appId: number;
  event: string;
  body: unknown;
  /** Only this agent's instances; null: every agent. */
  agentId: string | null;
}

export class DeskState {
  zendesk!: DeskData;
  servicenow!: DeskData;
  jira!: DeskData;
  /** Zendesk app notifications, oldest first (issue 16). */
  readonly appNotifications: AppNotification[] = [];
  private readonly log: DeskRequest[] = [];
  private counter = 0;

  constructor(private readonly isSeeded = true) {
    this.reset();
  }

  /** Back to the seed: tickets, comments and the request log. */
  reset(): void {
    this.counter = 0;
    this.log.length = 0;
    this.appNotifications.length = 0;
    this.zendesk = this.seedZendesk();
    this.servicenow = this.seedServiceNow();
    this.jira = this.seedJira();
  }

  data(desk: Desk): DeskData {
    return this[desk];
  }

  /**
   * Tickets, comments and requesters as plain JSON, for the demo desk to keep across restarts (agents and the API
   * user are the seed's and stay so; the request log is not kept).
   */
  snapshot(): DeskSnapshot {
    const of = (d: DeskData) => ({ requesters: d.requesters, tickets: d.tickets });
    return structuredClone({
      version: 1,
      counter: this.counter,
      desks: { zendesk: of(this.zendesk), servicenow: of(this.servicenow), jira: of(this.jira) },
    });
  }

  /** Puts back what `snapshot()` took (JSON-parsed: dates as strings are revived). */
  restore(snapshot: DeskSnapshot): void {
    if (snapshot.version !== 1) throw new Error(`unknown desk snapshot version ${String(snapshot.version)}`);
    for (const desk of ['zendesk', 'servicenow', 'jira'] as const) {
      this[desk].requesters = snapshot.desks[desk].requesters.map(revivePerson);
      this[desk].tickets = snapshot.desks[desk].tickets.map(reviveTicket);
    }
    this.counter = snapshot.counter;
  }

  /**
   * A ticket by any of its ids: the desk's id, the API's ticketId, Jira's numeric issue id. ServiceNow lookups with a
   * bare sys_id match any table.
   */
  ticket(desk: Desk, id: string | number): DeskTicket | undefined {
    const key = String(id);
    return this[desk].tickets.find((t) => t.id === key || t.ticketId === key || (desk === 'jira' && t.issueId === key));
  }

  person(desk: Desk, id: string | number): DeskPerson | undefined {
    const key = String(id);
    const data = this[desk];
    return [data.apiUser, ...data.agents, ...data.requesters].find((p) => p.id === key);
  }

  /** Every comment on the ticket, oldest first (public ones included). Throws on an unknown ticket. */
  comments(desk: Desk, ticketId: string | number): DeskComment[] {
    const ticket = this.ticket(desk, ticketId);
    if (!ticket) throw new Error(`no ${desk} ticket ${String(ticketId)} in the stand-in`);
    return [...ticket.comments];
  }

  /** Internal notes only (Zendesk public:false, ServiceNow work_notes, JSM internal comments), oldest first. */
  notes(desk: Desk, ticketId: string | number): DeskComment[] {
    return this.comments(desk, ticketId).filter((c) => !c.isPublic);
  }

  /** The requests each desk answered, oldest first; all desks when `desk` is omitted. */
  requests(desk?: Desk): DeskRequest[] {
    return this.log.filter((r) => desk === undefined || r.desk === desk);
  }

  /** Requests matching a method and a path (string = exact, RegExp = test) — for "exactly once" assertions. */
  countRequests(desk: Desk, method: string, path: string | RegExp): number {
    return this.requests(desk).filter(
      (r) => r.method === method.toUpperCase() && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    ).length;
  }

  recordRequest(entry: DeskRequest): void {
    this.log.push(entry);
  }

  /**
   * An agent edits a person's phone number in the desk: the number, its change time (default now) and the record's
   * last update move together, as the desk records them.
   */
  setPhone(desk: Desk, personId: string, phone: string | null, at = new Date()): DeskPerson {
    const person = this.person(desk, personId);
    if (!person) throw new Error(`no ${desk} person ${personId} in the stand-in`);
    person.phone = desk === 'jira' ? null : phone;
    person.phoneSetAt = at;
    person.updatedAt = at;
    return person;
  }

  addPerson(
    desk: Desk,
    fields: { name?: string; email?: string | null; phone?: string | null; phoneSetAt?: Date; isPhoneAudited?: boolean } = {},
  ): DeskPerson {
    const n = ++this.counter;
    const id =
      desk === 'zendesk'
        ? String(7100 + n)
        : desk === 'servicenow'
          ? sysId(`person-${n}-${randomUUID()}`)
          : accountId(`person-${n}-${randomUUID()}`);
    const person: DeskPerson = {
      id,
      name: fields.name ?? `Customer ${n}`,
      email: fields.email === undefined ? `customer${n}@customer.test` : fields.email,
      phone: desk === 'jira' ? null : fields.phone === undefined ? `+1 555 0177 ${String(n).padStart(3, '0')}` : fields.phone,
      // A new person's number was set a year ago unless the test says otherwise.
      phoneSetAt: fields.phoneSetAt ?? new Date(Date.now() - YEAR_MS),
      updatedAt: fields.phoneSetAt ?? new Date(Date.now() - YEAR_MS),
      ...(fields.isPhoneAudited === undefined ? {} : { isPhoneAudited: fields.isPhoneAudited }),
    };
    this[desk].requesters.push(person);
    return person;
  }

  addTicket(desk: Desk, fields: NewTicket = {}): DeskTicket {
    const data = this[desk];
    const requester =
      typeof fields.requester === 'string' ? this.person(desk, fields.requester) : this.addPerson(desk, fields.requester ?? {});
    if (!requester) throw new Error(`no ${desk} person ${String(fields.requester)} in the stand-in`);
    const subject = fields.subject ?? `Ticket ${data.tickets.length + 1}`;
    const ticket = this.makeTicket(desk, data.tickets.length, subject, requester, fields.table ?? 'incident', new Date());
    data.tickets.push(ticket);
    return ticket;
  }

  /** Stores a comment as the desk would; the stand-in routes call this. */
  addComment(ticket: DeskTicket, body: string, isPublic: boolean, authorId: string): DeskComment {
    const n = ++this.counter;
    const id =
      ticket.desk === 'servicenow' ? sysId(`journal-${n}-${randomUUID()}`) : String((ticket.desk === 'zendesk' ? 5_000_000 : 20_000) + n);
    const comment: DeskComment = { id, body, isPublic, createdAt: new Date(), authorId };
    ticket.comments.push(comment);
    return comment;
  }

  /** A comment by its desk id, with its ticket (the stand-ins' edit and delete routes use it). */
  findComment(desk: Desk, commentId: string): { ticket: DeskTicket; comment: DeskComment } | undefined {
    for (const ticket of this[desk].tickets) {
      const comment = ticket.comments.find((c) => c.id === commentId);
      if (comment) return { ticket, comment };
    }
    return undefined;
  }

  /** Removes a comment (ServiceNow journal entry or Jira comment deleted by an admin); false when unknown. */
  deleteComment(desk: Desk, commentId: string): boolean {
    const found = this.findComment(desk, commentId);
    if (!found) return false;
    found.ticket.comments.splice(found.ticket.comments.indexOf(found.comment), 1);
    return true;
  }

  /** Removes a ticket with its comments (Zendesk: deleted tickets no longer answer); false when unknown. */
  deleteTicket(desk: Desk, ticketId: string): boolean {
    const ticket = this.ticket(desk, ticketId);
    if (!ticket) return false;
    this[desk].tickets.splice(this[desk].tickets.indexOf(ticket), 1);
    return true;
  }

  /**
   * Issue 12: an agent solves (default) or closes a ticket. Zendesk takes comments on a solved ticket but refuses any
   * update of a closed one (the stand-in answers 422), as Zendesk documents for closed tickets.
   */
  closeTicket(desk: Desk, ticketId: string, status: 'solved' | 'closed' = 'solved'): DeskTicket {
    const ticket = this.ticket(desk, ticketId);
    if (!ticket) throw new Error(`no ${desk} ticket ${ticketId} in the stand-in`);
    ticket.status = status;
    return ticket;
  }

  /**
   * Issue 12: merges `ticketId` into `survivorId` the way Zendesk does (POST /api/v2/tickets/{survivor}/merge): the
   * source is closed and tagged `closed_by_merge`, both get a private comment naming the other.
   */
  mergeTicket(desk: Desk, ticketId: string, survivorId: string): DeskTicket {
    const source = this.ticket(desk, ticketId);
    const survivor = this.ticket(desk, survivorId);
    if (!source || !survivor) throw new Error(`no ${desk} tickets ${ticketId} / ${survivorId} in the stand-in`);
    this.addComment(
      source,
      `Request ${source.displayId} was closed and merged into request ${survivor.displayId}.`,
      false,
      this[desk].apiUser.id,
    );
    this.addComment(survivor, `Request ${source.displayId} was closed and merged into this request.`, false, this[desk].apiUser.id);
    source.status = 'closed';
    source.mergedInto = survivor.id;
    return source;
  }

  private makeTicket(desk: Desk, index: number, subject: string, requester: DeskPerson, table: string, createdAt: Date): DeskTicket {
    const first: DeskComment = { id: '', body: `${subject}. Thanks, ${requester.name}`, isPublic: true, createdAt, authorId: requester.id };
    if (desk === 'zendesk') {
      const id = String(101 + index);
      first.id = String(4_000_000 + index);
      return {
        desk,
        id,
        ticketId: id,
        displayId: `#${id}`,
        table: '',
        issueId: id,
        subject,
        requesterId: requester.id,
        createdAt,
        comments: [first],
      };
    }
    if (desk === 'servicenow') {
      const id = sysId(`${table}-${index}-${index < SEED_REQUESTERS.length ? 'seed' : randomUUID()}`);
      const prefix = table === 'incident' ? 'INC' : table.slice(0, 3).toUpperCase();
      // ServiceNow has no description comment in the journal; the ticket starts with none.
      return {
        desk,
        id,
        ticketId: `${table}:${id}`,
        displayId: `${prefix}${String(10_001 + index).padStart(7, '0')}`,
        table,
        issueId: id,
        subject,
        requesterId: requester.id,
        createdAt,
        comments: [],
      };
    }
    const key = `${DESK_ACCOUNTS.jira.projectKey}-${index + 1}`;
    // JSM shows the description as a field, not a comment.
    return {
      desk,
      id: key,
      ticketId: key,
      displayId: key,
      table: '',
      issueId: String(10_001 + index),
      subject,
      requesterId: requester.id,
      createdAt,
      comments: [],
    };
  }

  private seed(desk: Desk, apiUser: DeskPerson, agentId: (key: string) => string, requesterId: (index: number) => string): DeskData {
    const data: DeskData = {
      desk,
      apiUser,
      agents: SEED_AGENTS.map((a) => ({
        id: agentId(a.key),
        name: a.name,
        email: a.email,
        phone: desk === 'jira' ? null : a.phone,
        phoneSetAt: SEED_PHONE_TIME,
        updatedAt: SEED_PHONE_TIME,
      })),
      requesters: [],
      tickets: [],
    };
    if (!this.isSeeded) return data;
    SEED_REQUESTERS.forEach((r, i) => {
      const person: DeskPerson = {
        id: requesterId(i),
        name: r.name,
        email: r.email,
        phone: desk === 'jira' ? null : r.phone,
        phoneSetAt: SEED_PHONE_TIME,
        updatedAt: SEED_PHONE_TIME,
      };
      data.requesters.push(person);
      data.tickets.push(this.makeTicket(desk, i, r.subject, person, 'incident', SEED_TIME));
    });
    return data;
  }

  private seedZendesk(): DeskData {
    const apiUser = {
      id: '9000',
      name: 'Vouchsafe Integration',
      email: DESK_ACCOUNTS.zendesk.email,
      phone: null,
      phoneSetAt: SEED_PHONE_TIME,
      updatedAt: SEED_PHONE_TIME,
    };
    return this.seed(
      'zendesk',
      apiUser,
      (key) => (key === 'jane' ? '9001' : '9002'),
      (i) => String(7001 + i),
    );
  }

  private seedServiceNow(): DeskData {
    const apiUser = {
      id: sysId('api-user'),
      name: 'Vouchsafe Integration',
      email: null,
      phone: null,
      phoneSetAt: SEED_PHONE_TIME,
      updatedAt: SEED_PHONE_TIME,
    };
    return this.seed(
      'servicenow',
      apiUser,
      (key) => sysId(`agent-${key}`),
      (i) => sysId(`caller-${i}`),
    );
  }

  private seedJira(): DeskData {
    const apiUser = {
      id: accountId('api-user'),
      name: 'Vouchsafe Integration',
      email: DESK_ACCOUNTS.jira.email,
      phone: null,
      phoneSetAt: SEED_PHONE_TIME,
      updatedAt: SEED_PHONE_TIME,
    };
    return this.seed(
      'jira',
      apiUser,
      (key) => accountId(`agent-${key}`),
      (i) => accountId(`reporter-${i}`),
    );
  }
}
