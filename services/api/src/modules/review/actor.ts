/**
 * Who is reviewing: the one place the reviewer API names its actor (audited on every `review.*` event) and which
 * tenants it may see — an API token with the `auditor` scope (`api-token:<name>`) or an operator signed in with the
 * auditor role (`operator:<sub>`), both admitted by `auditorAccess` (modules/operators).
 */
export { reviewActor, reviewerTenants } from '../operators/operator-auth';
