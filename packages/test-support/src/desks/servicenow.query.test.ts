import { describe, expect, it } from 'vitest';
import { parseEncodedQuery, QuerySyntaxError, runQuery } from './servicenow.query';

const rows = [
  { sys_id: 'a', element: 'work_notes', value: 'Receipt: 7D0C-1' },
  { sys_id: 'b', element: 'comments', value: 'Receipt: 7d0c-2' },
  { sys_id: 'c', element: 'work_notes', value: 'other' },
];
const ids = (query: string) => runQuery(rows, parseEncodedQuery(query)).map((r) => r.sys_id);

describe('encoded queries', () => {
  it('ANDs terms, ORs ^OR terms, LIKE is a case-insensitive contains', () => {
    expect(ids('element=work_notes^valueLIKE7d0c')).toEqual(['a']);
    expect(ids('element=comments^ORvalue=other')).toEqual(['b', 'c']);
    expect(ids('valueSTARTSWITHreceipt^element!=comments')).toEqual(['a']);
    expect(ids('valueNOT LIKEreceipt')).toEqual(['c']);
    expect(ids('')).toEqual(['a', 'b', 'c']);
  });

  it('orders, and ignores terms on fields the table lacks (like an instance does)', () => {
    expect(ids('ORDERBYDESCsys_id')).toEqual(['c', 'b', 'a']);
    expect(ids('no_such_field=x^element=comments')).toEqual(['b']);
  });

  it('rejects what it cannot read', () => {
    expect(() => parseEncodedQuery('value~x')).toThrow(QuerySyntaxError);
    expect(() => parseEncodedQuery('ORvalue=x')).toThrow(QuerySyntaxError);
    expect(() => parseEncodedQuery('a=1^NQb=2')).toThrow(QuerySyntaxError);
  });
});
