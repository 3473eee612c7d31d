/**
 * UI Builder Transform data broker: "Vouchsafe sidebar URL"
 *   (sys_ux_data_broker_transform; create it from UI Builder > Data > Add data resource > Create >
 *    Server script, or in the table directly.)
 *
 * Properties (the broker's "Properties" field, JSON):
 *   [
 *     { "name": "table",  "label": "Table",  "fieldType": "string", "mandatory": true, "defaultValue": "" },
 *     { "name": "sysId",  "label": "Sys ID", "fieldType": "string", "mandatory": true, "defaultValue": "" }
 *   ]
 * Output schema: an object { url: string }.
 * Mutates server data: false.
 *
 * Needs an ACL (type ux_data_broker, operation execute, name = this broker's sys_id) that admits
 * agents, e.g. role itil. Data broker ACL details are UNCONFIRMED: check on your release.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- ServiceNow calls transform(input) by name.
function transform(input) {
  return { url: new global.VouchsafeSidebarToken().sidebarUrl(input.table, input.sysId) };
}
