export { ensureRsyslog, startRsyslog, type RsyslogEntry, type StartedRsyslog, type StartRsyslogOptions } from './rsyslog';
export { splitConcatenatedJson, startHecStandIn, type HecEnvelope, type HecStandIn, type HecStandInOptions } from './hec.stand-in';
export { startWebhookReceiver, type WebhookDelivery, type WebhookReceiver } from './webhook.receiver';
