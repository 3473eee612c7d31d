import { describe, expect, it } from 'vitest';
import { claimValues, rolesFromClaims } from './operator-roles';

const VALUES = { auditor: ['vouchsafe-auditor', 'compliance'], admin: ['vouchsafe-admin'], policy_approver: [] };

describe('claimValues', () => {
  it('reads a top-level claim (array or single string)', () => {
    expect(claimValues({ roles: ['a', 'b'] }, 'roles')).toEqual(['a', 'b']);
    expect(claimValues({ roles: 'a' }, 'roles')).toEqual(['a']);
  });

  it('follows a dotted path into nested claims (Keycloak realm_access.roles)', () => {
    expect(claimValues({ realm_access: { roles: ['x', 'y'] } }, 'realm_access.roles')).toEqual(['x', 'y']);
    expect(claimValues({ resource_access: { vouchsafe: { roles: ['z'] } } }, 'resource_access.vouchsafe.roles')).toEqual(['z']);
  });

  it('prefers a claim whose name itself contains dots (namespaced claims)', () => {
    expect(claimValues({ 'https://bank.example/roles': ['r'] }, 'https://bank.example/roles')).toEqual(['r']);
  });

  it('gives nothing for absent, non-string or oddly shaped values', () => {
    expect(claimValues({}, 'roles')).toEqual([]);
    expect(claimValues({ roles: 7 }, 'roles')).toEqual([]);
    expect(claimValues({ roles: [1, null, 'ok', { a: 1 }] }, 'roles')).toEqual(['ok']);
    expect(claimValues({ realm_access: ['roles'] }, 'realm_access.roles')).toEqual([]);
    expect(claimValues({ realm_access: null }, 'realm_access.roles')).toEqual([]);
    // Inherited properties are not claims.
    expect(claimValues({}, 'constructor')).toEqual([]);
    expect(claimValues({ a: {} }, 'a.toString')).toEqual([]);
  });
});

describe('rolesFromClaims', () => {
  it('maps configured claim values to roles, as a set in a fixed order', () => {
    expect(rolesFromClaims({ roles: ['compliance', 'vouchsafe-admin', 'other'] }, 'roles', VALUES)).toEqual(['admin', 'auditor']);
    expect(rolesFromClaims({ roles: ['vouchsafe-auditor', 'compliance'] }, 'roles', VALUES)).toEqual(['auditor']);
  });

  it('grants nothing for unknown values, near misses or a role without configured values', () => {
    expect(rolesFromClaims({ roles: ['Vouchsafe-Auditor', 'vouchsafe-auditor ', 'auditor'] }, 'roles', VALUES)).toEqual([]);
    expect(rolesFromClaims({ roles: [] }, 'roles', VALUES)).toEqual([]);
    expect(rolesFromClaims({ groups: ['vouchsafe-auditor'] }, 'roles', VALUES)).toEqual([]);
  });
});
