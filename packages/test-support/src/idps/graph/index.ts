/**
 * Microsoft Graph stand-in for the Entra user lookup: client-credentials tokens at `/{tenant}/oauth2/v2.0/token` and
 * `GET /v1.0/users` ($filter eq/and/or, $select, $top), strict about tokens, permissions and query syntax.
 *
 *   const entra = await startOidcPeer({ flavor: 'entra' });
 *   const graph = await startGraphStandIn({ tenantId: entra.tenantId, clients: [entra.clients.basic], directory: () => entra.directoryUsers() });
 *   await admin.put(`/api/v1/admin/tenants/acme/idp/oidc`, entra.idpConfig({ graph: graph.config }));
 *   graph.addUser({ mail: 'priya.natarajan@customer.test', userType: 'Guest' });   // a planted guest
 *   graph.failUsers(503);                                                            // Graph down once
 */
export {
  DEFAULT_SELECT,
  ODataError,
  parseUsersQuery,
  SELECTABLE,
  type Filter,
  type GraphUser,
  type GraphUserProperty,
  type UsersQuery,
} from './graph.odata';
export {
  createGraphStandIn,
  GRAPH_STANDIN_SCOPE,
  startGraphStandIn,
  USER_READ_ALL,
  type GraphClient,
  type GraphLogEntry,
  type GraphStandIn,
  type GraphStandInConfig,
  type GraphStandInOptions,
  type StartedGraphStandIn,
} from './graph.stand-in';
