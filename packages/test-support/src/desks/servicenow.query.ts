/**
 * The part of ServiceNow's encoded query language the stand-in understands: `field<op>value` terms joined by `^`
 * (AND) and `^OR` (OR with the previous term), plus ORDERBY / ORDERBYDESC. Like an instance with default settings,
 * a term naming a field the table does not have is ignored (so a typo matches every row).
 */
export type Row = Record<string, string>;

const OPERATORS = ['NOT LIKE', 'NOT IN', 'STARTSWITH', 'ENDSWITH', 'ISNOTEMPTY', 'ISEMPTY', 'LIKE', 'IN', '!=', '='] as const;
type Operator = (typeof OPERATORS)[number];

interface Term {
  field: string;
  operator: Operator;
  value: string;
}

export interface ParsedQuery {
  /** AND of ORs. */
  groups: Term[][];
  order: { field: string; isDescending: boolean }[];
}

export class QuerySyntaxError extends Error {
  override name = 'QuerySyntaxError';
}

function parseTerm(text: string): Term {
  const field = /^[a-z_][a-z0-9_.]*/.exec(text)?.[0];
  if (!field) throw new QuerySyntaxError(`cannot read query term "${text}"`);
  const rest = text.slice(field.length);
  const operator = OPERATORS.find((op) => rest.startsWith(op));
  if (!operator) throw new QuerySyntaxError(`unsupported operator in query term "${text}"`);
  return { field, operator, value: rest.slice(operator.length) };
}

export function parseEncodedQuery(query: string): ParsedQuery {
  const parsed: ParsedQuery = { groups: [], order: [] };
  if (query.trim() === '') return parsed;
  for (const raw of query.split('^')) {
    if (raw === '' || raw === 'EQ') continue;
    if (raw.startsWith('ORDERBYDESC')) parsed.order.push({ field: raw.slice('ORDERBYDESC'.length), isDescending: true });
    else if (raw.startsWith('ORDERBY')) parsed.order.push({ field: raw.slice('ORDERBY'.length), isDescending: false });
    else if (raw.startsWith('NQ')) throw new QuerySyntaxError('^NQ is not supported by the stand-in');
    else if (raw.startsWith('OR')) {
      const previous = parsed.groups.at(-1);
      if (!previous) throw new QuerySyntaxError('^OR with nothing before it');
      previous.push(parseTerm(raw.slice(2)));
    } else parsed.groups.push([parseTerm(raw)]);
  }
  return parsed;
}

function matches(row: Row, term: Term): boolean {
  const actual = row[term.field];
  if (actual === undefined) return true;
  const a = actual.toLowerCase();
  const v = term.value.toLowerCase();
  switch (term.operator) {
    case '=':
      return actual === term.value;
    case '!=':
      return actual !== term.value;
    case 'LIKE':
      return a.includes(v);
    case 'NOT LIKE':
      return !a.includes(v);
    case 'STARTSWITH':
      return a.startsWith(v);
    case 'ENDSWITH':
      return a.endsWith(v);
    case 'ISEMPTY':
      return actual === '';
    case 'ISNOTEMPTY':
      return actual !== '';
    case 'IN':
      return term.value.split(',').includes(actual);
    case 'NOT IN':
      return !term.value.split(',').includes(actual);
  }
}

export function runQuery(rows: readonly Row[], query: ParsedQuery): Row[] {
  const selected = rows.filter((row) => query.groups.every((group) => group.some((term) => matches(row, term))));
  for (const { field, isDescending } of [...query.order].reverse()) {
    selected.sort((x, y) => (isDescending ? -1 : 1) * (x[field] ?? '').localeCompare(y[field] ?? ''));
  }
  return selected;
}
