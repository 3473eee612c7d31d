/**
 * The slice of Microsoft Graph's OData query syntax the stand-in understands for `GET /v1.0/users`, and nothing
 * more: `$filter` with `eq` comparisons joined by `and` / `or` on the user properties where `eq` works by default
 * (no advanced-query parameters, per Graph's "Advanced query capabilities on directory objects" table), `$select`,
 * and `$top` (1–999). Anything else is refused the way Graph refuses it (400 with `Request_UnsupportedQuery` or
 * `Request_BadRequest`), so a client that drifts into syntax we have not modelled fails loudly here.
 */

/** Graph `user` properties the stand-in stores (a subset of Graph's v1.0 user resource). */
export interface GraphUser {
  id: string;
  displayName: string;
  mail: string | null;
  userPrincipalName: string;
  userType: 'Member' | 'Guest';
  accountEnabled: boolean;
}

export type GraphUserProperty = keyof GraphUser;

/** Properties `$select` may name (Graph knows many more; selecting one of those here is a stand-in gap → 400). */
export const SELECTABLE: readonly GraphUserProperty[] = ['id', 'displayName', 'mail', 'userPrincipalName', 'userType', 'accountEnabled'];
/** Graph's default projection for GET /users (the subset of it the stand-in stores). */
export const DEFAULT_SELECT: readonly GraphUserProperty[] = ['id', 'displayName', 'mail', 'userPrincipalName'];
/** Properties with `eq` supported by default (no ConsistencyLevel / $count needed). */
const FILTERABLE: ReadonlySet<string> = new Set<GraphUserProperty>([
  'id',
  'displayName',
  'mail',
  'userPrincipalName',
  'userType',
  'accountEnabled',
]);

export interface Comparison {
  property: GraphUserProperty;
  value: string | boolean;
}
/** Disjunctive normal form: any group whose comparisons all hold. */
export type Filter = Comparison[][];

export interface UsersQuery {
  filter: Filter | undefined;
  select: GraphUserProperty[];
  top: number;
}

export class ODataError extends Error {
  constructor(
    readonly code: 'Request_UnsupportedQuery' | 'Request_BadRequest' | 'BadRequest',
    message: string,
  ) {
    super(message);
  }
}

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: 'paren'; text: string };

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const c = filter[i]!;
    if (c === ' ') {
      i += 1;
    } else if (c === "'") {
      let text = '';
      i += 1;
      for (;;) {
        if (i >= filter.length) throw new ODataError('BadRequest', 'Invalid filter clause: unterminated string literal.');
        if (filter[i] === "'") {
          if (filter[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        text += filter[i];
        i += 1;
      }
      tokens.push({ kind: 'string', text });
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'paren', text: c });
      i += 1;
    } else {
      const match = /^[A-Za-z_$][A-Za-z0-9_/$.:]*/.exec(filter.slice(i));
      if (!match) throw new ODataError('BadRequest', `Invalid filter clause: syntax error at position ${i}.`);
      tokens.push({ kind: 'word', text: match[0] });
      i += match[0].length;
    }
  }
  return tokens;
}

function comparison(tokens: Token[], at: number): Comparison {
  const [prop, op, literal] = [tokens[at], tokens[at + 1], tokens[at + 2]];
  if (prop?.kind === 'word' && op?.kind === 'paren' && op.text === '(') {
    throw new ODataError(
      'Request_UnsupportedQuery',
      `Operator '${prop.text}' is not supported because the required parameters might be missing. Try adding $count with a value of true and ConsistencyLevel header with a value of eventual.`,
    );
  }
  if (prop?.kind === 'paren' || literal?.kind === 'paren') {
    throw new ODataError('Request_UnsupportedQuery', 'Parenthesised filter expressions are not supported by this stand-in.');
  }
  if (prop?.kind !== 'word' || op?.kind !== 'word' || !literal) throw new ODataError('BadRequest', 'Invalid filter clause.');
  if (!FILTERABLE.has(prop.text)) {
    throw new ODataError(
      'Request_UnsupportedQuery',
      `Unsupported or invalid query filter clause specified for property '${prop.text}' of resource 'User'.`,
    );
  }
  if (op.text !== 'eq') {
    throw new ODataError(
      'Request_UnsupportedQuery',
      `Unsupported or invalid query filter clause specified for property '${prop.text}' of resource 'User'.`,
    );
  }
  const property = prop.text as GraphUserProperty;
  if (property === 'accountEnabled') {
    if (literal.kind !== 'word' || (literal.text !== 'true' && literal.text !== 'false'))
      throw new ODataError(
        'BadRequest',
        "A binary operator with incompatible types was detected. Found operand types 'Edm.Boolean' and 'Edm.String' for operator kind 'Equal'.",
      );
    return { property, value: literal.text === 'true' };
  }
  if (literal.kind !== 'string')
    throw new ODataError('BadRequest', `A binary operator with incompatible types was detected for property '${property}'.`);
  return { property, value: literal.text };
}

/** `a eq 'x' and b eq 'y' or c eq 'z'` → [[a, b], [c]] (`and` binds tighter than `or`, as in OData). */
export function parseFilter(filter: string): Filter {
  const tokens = tokenize(filter);
  const groups: Filter = [[]];
  let at = 0;
  for (;;) {
    groups.at(-1)!.push(comparison(tokens, at));
    at += 3;
    const joiner = tokens[at];
    if (!joiner) return groups;
    if (joiner.kind !== 'word' || (joiner.text !== 'and' && joiner.text !== 'or'))
      throw new ODataError('BadRequest', 'Invalid filter clause: expected and/or.');
    if (joiner.text === 'or') groups.push([]);
    at += 1;
  }
}

const eqIgnoreCase = (a: string | null, b: string) => a !== null && a.toLowerCase() === b.toLowerCase();

/** Directory strings (mail, UPN, …) compare case-insensitively, as Entra does. */
export function matches(user: GraphUser, filter: Filter): boolean {
  return filter.some((group) =>
    group.every(({ property, value }) => {
      const actual = user[property];
      return typeof value === 'boolean'
        ? actual === value
        : typeof actual === 'string' || actual === null
          ? eqIgnoreCase(actual, value)
          : false;
    }),
  );
}

const OPTIONS = new Set(['$filter', '$select', '$top']);

/** The query string of GET /v1.0/users (already URL-decoded), strictly. */
export function parseUsersQuery(params: URLSearchParams, consistencyLevel: string | undefined): UsersQuery {
  for (const key of params.keys()) {
    if (key === '$search' && consistencyLevel !== 'eventual') {
      throw new ODataError(
        'Request_UnsupportedQuery',
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
      );
    }
    if (!OPTIONS.has(key))
      throw new ODataError('Request_UnsupportedQuery', `The query option '${key}' is not supported by this Microsoft Graph stand-in.`);
    if (params.getAll(key).length > 1)
      throw new ODataError('BadRequest', `Query option '${key}' was specified more than once, but it must be specified at most once.`);
  }
  const rawFilter = params.get('$filter');
  const rawSelect = params.get('$select');
  const rawTop = params.get('$top');
  const select = rawSelect === null ? [...DEFAULT_SELECT] : rawSelect.split(',').map((s) => s.trim());
  for (const property of select) {
    if (!(SELECTABLE as readonly string[]).includes(property))
      throw new ODataError('BadRequest', `Could not find a property named '${property}' on type 'microsoft.graph.user'.`);
  }
  const top = rawTop === null ? 100 : Number(rawTop);
  if (!/^\d+$/.test(rawTop ?? '100') || top < 1 || top > 999) throw new ODataError('Request_BadRequest', 'Invalid page size specified.');
  return { filter: rawFilter === null ? undefined : parseFilter(rawFilter), select: select as GraphUserProperty[], top };
}
