/* global Class, gs, GlideRecordSecure, GlideDateTime, sn_auth */
/* exported VouchsafeSidebarToken */
/**
 * Script Include: VouchsafeSidebarToken
 *   Name: VouchsafeSidebarToken   Accessible from: All application scopes   Client callable: false
 *
 * Mints the short-lived JWT the Vouchsafe sidebar exchanges for a session, and builds the iFrame URL
 * that carries it. Runs as the agent (called from the UI Builder data resource), so gs.getUserID()
 * is the agent and GlideRecordSecure applies the agent's ACLs to the record.
 *
 * System properties (sys_properties), see INSTALL.md:
 *   vouchsafe.url                  https://vouchsafe.acme.com (no trailing slash)
 *   vouchsafe.jwt_provider         sys_id of the JWT Provider record (jwt_provider table)
 *   vouchsafe.audience             the aud Vouchsafe expects (the tenant's "audience"), default "vouchsafe"
 *   vouchsafe.token_seconds        token lifetime, default 60
 *   vouchsafe.reply_mode           "copy" (default) or "postmessage" (only if a workspace listener exists)
 *
 * ES5 on purpose: works in global scope and in scoped apps without ECMAScript 2021 mode.
 */
var VouchsafeSidebarToken = Class.create();
VouchsafeSidebarToken.prototype = {
  initialize: function () {},

  /** The JWT for this agent and record, or '' when the record is not valid or not readable by the agent. */
  mint: function (table, sysId) {
    table = String(table || '');
    sysId = String(sysId || '');
    if (!/^[a-z][a-z0-9_]{0,79}$/.test(table) || !/^[0-9a-f]{32}$/.test(sysId)) return '';
    var record = new GlideRecordSecure(table);
    if (!record.isValid() || !record.get(sysId)) return '';

    var now = Math.floor(new GlideDateTime().getNumericValue() / 1000);
    var lifetime = parseInt(gs.getProperty('vouchsafe.token_seconds', '60'), 10) || 60;
    var header = { alg: 'RS256', typ: 'JWT' };
    var payload = {
      iss: gs.getProperty('instance_name'),
      aud: gs.getProperty('vouchsafe.audience', 'vouchsafe'),
      sub: gs.getUserID(),
      name: gs.getUserDisplayName(),
      table: table,
      sys_id: sysId,
      iat: now,
      exp: now + Math.min(lifetime, 300),
      jti: gs.generateGUID()
    };
    var providerSysId = gs.getProperty('vouchsafe.jwt_provider');
    return new sn_auth.GlideJWTAPI().generateJWT(providerSysId, JSON.stringify(header), JSON.stringify(payload));
  },

  /**
   * The iFrame source: https://vouchsafe/apps/servicenow/?table=…&sys_id=…&origin=…[&reply=postmessage]#token=…
   * The token goes in the fragment so it never reaches a server log or a Referer header.
   */
  sidebarUrl: function (table, sysId) {
    var token = this.mint(table, sysId);
    if (!token) return '';
    var base = String(gs.getProperty('vouchsafe.url', '')).replace(/\/+$/, '');
    var origin = String(gs.getProperty('glide.servlet.uri', '')).replace(/\/+$/, '');
    var query = 'table=' + encodeURIComponent(table) + '&sys_id=' + encodeURIComponent(sysId) + '&origin=' + encodeURIComponent(origin);
    if (gs.getProperty('vouchsafe.reply_mode', 'copy') === 'postmessage') query += '&reply=postmessage';
    return base + '/apps/servicenow/?' + query + '#token=' + encodeURIComponent(token);
  },

  type: 'VouchsafeSidebarToken'
};
